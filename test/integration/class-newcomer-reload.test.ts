// A newcomer's tab reloaded between registering and activating (#20, class mode): the key the
// registration opened is gone from the tab, and the activation must be signed by it. Signing in
// again says the account waits for activation, and keeps the key open in class mode, so the
// activation that follows is signed and applies on every PC. Before, the login forgot the key and
// the activation was refused with sign_in_required: the newcomer could neither sign in nor activate.
import { afterEach, describe, expect, it } from 'vitest';
import { identityTables } from '../../src/storage/identity-tables.ts';
import { register, activateAccount } from '../../src/app/identity/registration.ts';
import { login } from '../../src/app/identity/login.ts';
import { classServer, digestOf, join, openClass, settled, startPc, stopPcs } from '../support/class-pcs.ts';
import { activationCodeFromMailbox, buyerForm } from '../helpers/identity.ts';
import { unwrap } from '../helpers/market.ts';
import '../../src/app/features.ts';

afterEach(stopPcs);

describe('a newcomer whose tab reloaded before activating, in class mode', () => {
  it('signs in again (the account waits for activation, the key stays open) and activates through the stream', async () => {
    const server = await classServer();
    const teacher = await startPc(server, 'teacher', 'pc-1', await openClass(server, 'reload-teacher'));
    const pc = await startPc(server, 'student', 'pc-2', await join(server, 'reload-student'));
    const form = buyerForm('reloaded');
    const { partyId } = unwrap(await register(pc.db, form, { env: pc.env, worldId: pc.entry.id, commandId: 'r-register' }));
    const code = await activationCodeFromMailbox(pc.db, partyId);

    // The reload: the tab's key ring starts empty.
    pc.ring.forget(pc.entry.id, partyId);
    const again = await login(pc.db, pc.entry.id, { loginName: form.loginName, password: form.password }, { keyRing: pc.ring, env: pc.env, commandId: 'r-login' });
    expect(again).toMatchObject({ ok: false, code: 'account_not_activated' });
    expect(pc.ring.seed(pc.entry.id, partyId)).not.toBeNull();

    unwrap(await activateAccount(pc.db, { id: 'r-activate', actor: partyId }, { partyId, code }, pc.env));
    unwrap(await login(pc.db, pc.entry.id, { loginName: form.loginName, password: form.password }, { keyRing: pc.ring, env: pc.env, commandId: 'r-login-2' }));

    const pcs = [teacher, pc];
    await settled(teacher.transport, pcs);
    for (const p of pcs) expect((await identityTables(p.db).users.get(partyId))?.status).toBe('active');
    expect(await digestOf(teacher.db)).toBe(await digestOf(pc.db));
  });
});
