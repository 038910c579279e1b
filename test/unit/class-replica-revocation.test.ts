// A class replica remembers the certificate, root and list signatures that passed (PassedChecks):
// a certificate it has already checked must still be refused from the moment the CA's revocation
// is in its world, with the certificate's signature long remembered.
import { describe, expect, it } from 'vitest';
import { commandRegistry } from '../../src/app/commands.ts';
import { replay, worldDigest } from '../../src/app/replay.ts';
import { latestCertificateOf, revokeCertificate } from '../../src/app/identity/ca.ts';
import { WorldDb } from '../../src/storage/schema.ts';
import { encodeEnvelope, signClassCommand } from '../../src/sync/class/envelope.ts';
import { ClassReplica, indexedDbProgress } from '../../src/sync/class/replica.ts';
import { freshWorld } from '../helpers/world.ts';
import { labPassword, loggedInTab } from '../helpers/identity.ts';

describe('class replica and a revocation', () => {
  it('refuses a remembered certificate once the revocation is in its world', async () => {
    const world = await freshWorld('class revocation');
    const genesis = (await world.db.commandLog.orderBy('seq').first())!;
    // The platform signs on a copy of the world (signing in writes the world it signs in).
    const keychain = new WorldDb(`keychain-${world.id}`);
    expect((await replay([genesis], keychain)).ok).toBe(true);
    const ring = await loggedInTab(keychain, world.id, 'platform', await labPassword(keychain, 'platform'));
    const certificate = (await latestCertificateOf(keychain, 'platform'))!.certificate;
    const seed = ring.seed(world.id, 'platform')!;
    const message = (seq: number) => ({
      seq,
      messageId: null,
      data: encodeEnvelope(signClassCommand({ classId: 'demo', name: 'advanceClock', commandId: `rv-${seq}`, actor: 'platform', input: { step: { kind: 'hours', hours: 1 } } }, seed, certificate)),
    });
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
