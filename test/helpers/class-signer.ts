import { replay } from '../../src/app/replay.ts';
import { latestCertificateOf } from '../../src/app/identity/ca.ts';
import type { Certificate } from '../../src/domain/index.ts';
import { WorldDb } from '../../src/storage/schema.ts';
import { encodeEnvelope, signClassCommand } from '../../src/sync/class/envelope.ts';
import type { StreamMessage } from '../../src/sync/class/transport.ts';
import { labPassword, loggedInTab } from './identity.ts';

/**
 * The platform signed in on a copy of a fresh world's genesis (signing in writes the world it signs
 * in, and a replica's world must see only the stream), with its seed and certificate, and stream
 * messages it signs: each an advanceClock by one hour under the given command id.
 */
export async function platformSigner(world: { readonly db: WorldDb; readonly id: string }) {
  const genesis = (await world.db.commandLog.orderBy('seq').first())!;
  const keychain = new WorldDb(`keychain-${world.id}`);
  const replayed = await replay([genesis], keychain);
  if (!replayed.ok) throw new Error('the genesis command replays');
  const ring = await loggedInTab(keychain, world.id, 'platform', await labPassword(keychain, 'platform'));
  const certificate: Certificate = (await latestCertificateOf(keychain, 'platform'))!.certificate;
  const seed = ring.seed(world.id, 'platform')!;
  const message = (seq: number, commandId: string): StreamMessage => ({
    seq,
    messageId: null,
    data: encodeEnvelope(signClassCommand({ classId: 'demo', name: 'advanceClock', commandId, actor: 'platform', input: { step: { kind: 'hours', hours: 1 } } }, seed, certificate)),
  });
  return { keychain, seed, certificate, message };
}
