// A class replica remembers the certificate, root and list signatures that passed (PassedChecks):
// a certificate it has already checked must still be refused from the moment the CA's revocation
// is in its world, with the certificate's signature long remembered.
import { describe, expect, it } from 'vitest';
import { commandRegistry } from '../../src/app/commands.ts';
import { worldDigest } from '../../src/app/replay.ts';
import { revokeCertificate } from '../../src/app/identity/ca.ts';
import { ClassReplica, indexedDbProgress } from '../../src/sync/class/replica.ts';
import { freshWorld } from '../helpers/world.ts';
import { platformSigner } from '../helpers/class-signer.ts';
import { labPassword, loggedInTab } from '../helpers/identity.ts';

describe('class replica and a revocation', () => {
  it('refuses a remembered certificate once the revocation is in its world', async () => {
    const world = await freshWorld('class revocation');
    const signer = await platformSigner(world);
    const { keychain, certificate } = signer;
    const message = (seq: number) => signer.message(seq, `rv-${seq}`);
    const replica = new ClassReplica({ db: world.db, classId: 'demo', replicaId: 'pc', registry: commandRegistry, digest: async (db) => (await worldDigest(db)).digest, progress: indexedDbProgress(`${world.db.name}-revocation`) });
    expect(await replica.apply(message(1))).toMatchObject({ kind: 'applied', result: { ok: true } });
    expect(await replica.apply(message(2))).toMatchObject({ kind: 'applied', result: { ok: true } });

    // The CA revokes the platform's certificate in the replica's world (a new signed list).
    const ca = await loggedInTab(world.db, world.id, 'ca', await labPassword(world.db, 'ca'));
    const revoked = await revokeCertificate(world.db, world.id, 'ca', { serial: certificate.body.serial, reason: 'key_compromise' }, { keyRing: ca });
    expect(revoked.ok).toBe(true);
    expect(await replica.apply(message(3))).toMatchObject({ kind: 'refused', code: 'class_certificate_revoked' });
    expect(await replica.apply(message(4))).toMatchObject({ kind: 'refused', code: 'class_certificate_revoked' });
    keychain.close();
  });
});
