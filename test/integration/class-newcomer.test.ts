// A party without a certificate acts in class mode (#20): a new buyer registers, activates its
// account, signs in, applies for a certificate (each signed by its key alone, checked by every PC
// against the key the world registered, the registration against the very key it registers), the
// CA on another PC issues it through the stream, and the buyer then buys, signing with the
// certificate; both PCs end with equal digests. A student with a NATS client and the class login
// cannot forge any of it: a registration of a key it does not hold, a command claiming the
// uncertified buyer, or (once certified) the buyer's bare key, is refused on every PC by name; and
// after the CA revokes the buyer's certificate its bare key stays refused.
import { afterEach, describe, expect, it } from 'vitest';
import { bytesToHex, keyPairFromSeed } from '../../src/domain/crypto/index.ts';
import { identityTables } from '../../src/storage/identity-tables.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import { register, activateAccount } from '../../src/app/identity/registration.ts';
import { login } from '../../src/app/identity/login.ts';
import { applyForCertificate, issueRequestedCertificate, latestCertificateOf, revokeCertificate } from '../../src/app/identity/ca.ts';
import { addToCart } from '../../src/app/market/cart.ts';
import { placeOrders } from '../../src/app/market/orders.ts';
import { encodeEnvelope, signClassCommand, type ClassCommand } from '../../src/sync/class/envelope.ts';
import type { Outcome } from '../../src/sync/class/replica.ts';
import { demoClass } from '../support/nats-server.ts';
import { until } from '../support/until.ts';
import { classServer, digestOf, join, openClass, sellerId, settled, startPc, stopPcs, type Pc } from '../support/class-pcs.ts';
import { activationCodeFromMailbox, buyerForm } from '../helpers/identity.ts';
import { address, unwrap } from '../helpers/market.ts';
import '../../src/app/features.ts';

afterEach(stopPcs);

const refusals = (outcomes: readonly Outcome[]) => outcomes.filter((o) => o.kind === 'refused').map((o) => `${o.commandId} ${o.kind === 'refused' ? o.code : ''}`);

describe('a party without a certificate in class mode', () => {
  it('registers, activates, is certified and buys through the stream; forgeries are refused on every PC', async () => {
    const server = await classServer();
    const ca = await startPc(server, 'teacher', 'pc-1', await openClass(server, 'newcomer-teacher'));
    const buyerPc = await startPc(server, 'student', 'pc-2', await join(server, 'newcomer-student'));
    const pcs: Pc[] = [ca, buyerPc];
    const outcomes = new Map<Pc, Outcome[]>(pcs.map((pc) => [pc, []]));
    for (const pc of pcs) pc.world.onOutcome((o) => outcomes.get(pc)!.push(o));

    // PC 1 plays the CA (it has its certificate from the world's set-up).
    const caPassword = (await identityTables(ca.db).labSheet.get('ca'))!.password!;
    unwrap(await login(ca.db, ca.entry.id, { loginName: 'ca', password: caPassword }, { keyRing: ca.ring, env: ca.env }));

    // PC 2: a new buyer registers; the registration is signed by the key it registers.
    const registered = unwrap(await register(buyerPc.db, buyerForm('newcomer'), { env: buyerPc.env, worldId: buyerPc.entry.id, commandId: 'n-register' }));
    const partyId = registered.partyId;
    const buyerKey = (await identityTables(buyerPc.db).partyKeys.get(partyId))!.publicKey;
    const code = await activationCodeFromMailbox(buyerPc.db, partyId);
    unwrap(await activateAccount(buyerPc.db, { id: 'n-activate', actor: partyId }, { partyId, code }, buyerPc.env));
    unwrap(await login(buyerPc.db, buyerPc.entry.id, { loginName: 'newcomer', password: buyerForm('newcomer').password }, { keyRing: buyerPc.ring, env: buyerPc.env, commandId: 'n-login' }));

    // A stranger with the class login and a key of its own, while the buyer has no certificate yet.
    const stranger = await startPc(server, 'student', 'pc-3', await join(server, 'newcomer-stranger'));
    const strangerSeed = new Uint8Array(32).fill(7);
    const strangerKey = bytesToHex(keyPairFromSeed(strangerSeed).publicKey);
    const forge = async (command: Omit<ClassCommand, 'classId'>, publicKey: string | null = null) => {
      const envelope = signClassCommand({ classId: demoClass.code, ...command }, strangerSeed, null);
      const body = publicKey === null ? envelope : { ...envelope, signerKey: publicKey };
      await stranger.transport.publish(command.commandId, encodeEnvelope(body as never));
    };
    // Registers the buyer's key (which it does not hold) for a party of its own.
    await forge({ name: 'register', commandId: 'f-register', actor: 'u-mallory', input: { partyId: 'u-mallory', publicKey: buyerKey } });
    // Claims the uncertified buyer, signed with its own key, then naming the buyer's key.
    await forge({ name: 'applyForCertificate', commandId: 'f-apply', actor: partyId, input: { requestId: 'req-f', request: {} } });
    await forge({ name: 'logout', commandId: 'f-logout', actor: partyId, input: {} }, buyerKey);
    // Acts for a party the world has no key for.
    await forge({ name: 'logout', commandId: 'f-nobody', actor: 'u-nobody', input: {} }, strangerKey);

    // The buyer applies (key-signed), the CA issues on PC 1 through the stream.
    const request = unwrap(await applyForCertificate(buyerPc.db, buyerPc.entry.id, partyId, { keyRing: buyerPc.ring, env: buyerPc.env, commandId: 'n-apply' }));
    await until('PC 1 has the request', async () => (await identityTables(ca.db).certificateRequests.get(request.requestId)) !== undefined);
    const issued = unwrap(await issueRequestedCertificate(ca.db, ca.entry.id, 'ca', { requestId: request.requestId }, { keyRing: ca.ring, env: ca.env, commandId: 'n-issue' }));
    await until('PC 2 has the certificate', async () => (await latestCertificateOf(buyerPc.db, partyId)) !== undefined);

    // Certified: the buyer buys, signing with its certificate.
    unwrap(await addToCart(buyerPc.db, { id: 'n-cart', actor: partyId }, { productId: `${sellerId}-demo-01`, quantity: 1 }, buyerPc.env));
    const [order] = unwrap(await placeOrders(buyerPc.db, { id: 'n-place', actor: partyId }, { address, deliveryMethod: 'express', paymentMethod: 'escrow' }, buyerPc.env));
    // Its bare key no longer does: it has a certificate and signs with it.
    const buyerSeed = buyerPc.ring.seed(buyerPc.entry.id, partyId)!;
    await buyerPc.transport.publish('n-bare', encodeEnvelope(signClassCommand({ classId: demoClass.code, name: 'logout', commandId: 'n-bare', actor: partyId, input: {} }, buyerSeed, null)));
    // Revoked: the bare key does not bring the party back.
    unwrap(await revokeCertificate(ca.db, ca.entry.id, 'ca', { serial: issued.serial, reason: 'key_compromise' }, { keyRing: ca.ring, env: ca.env, commandId: 'n-revoke' }));
    await buyerPc.transport.publish('n-revoked', encodeEnvelope(signClassCommand({ classId: demoClass.code, name: 'logout', commandId: 'n-revoked', actor: partyId, input: {} }, buyerSeed, null)));

    const all = [...pcs, stranger];
    await settled(ca.transport, all);
    for (const pc of all) {
      expect((await marketTables(pc.db).orders.get(order!.id))?.buyerId).toBe(partyId);
      expect((await identityTables(pc.db).users.get(partyId))?.status).toBe('active');
      expect(await identityTables(pc.db).users.get('u-mallory')).toBeUndefined();
    }
    const expected = ['f-register class_registration_unproven', 'f-apply class_key_mismatch', 'f-logout class_signature_invalid', 'f-nobody class_party_unknown', 'n-bare class_certificate_required', 'n-revoked class_certificate_revoked'];
    expect(refusals(outcomes.get(ca)!)).toEqual(expected);
    expect(refusals(outcomes.get(buyerPc)!)).toEqual(expected);
    const digests = await Promise.all(all.map((pc) => digestOf(pc.db)));
    expect(new Set(digests).size).toBe(1);
  });
});
