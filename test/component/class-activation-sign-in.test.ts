import './jsdom-bytes.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import AccountPage from '../../src/ui/identity/AccountPage.svelte';
import { register } from '../../src/app/identity/registration.ts';
import { forgetClassLink, rememberClassLink } from '../../src/sync/class/link.ts';
import { en } from '../../src/ui/i18n/en.ts';
import { loadAllMessages } from '../../src/ui/i18n/i18n.svelte.ts';
import { freshWorld } from '../helpers/world.ts';
import { buyerForm } from '../helpers/identity.ts';
import { unwrap } from '../helpers/market.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';

// A class world's account waiting for activation, in a tab that does not hold its key (reloaded
// since registering): every PC accepts the activation only signed by that key, so the Account page
// offers signing in beside the activation form. Before, it showed the activation form alone, which
// was refused with sign_in_required, and no way to sign in: the newcomer was stuck.

let worldId = '';
afterEach(() => forgetClassLink(worldId));

async function accountPageOf(classWorld: boolean) {
  await loadAllMessages();
  const { id, db } = await freshWorld();
  worldId = id;
  if (classWorld) rememberClassLink(id, { server: 'ws://127.0.0.1:9', code: 'demo', user: 'demo-student', pass: 'x', role: 'student' });
  const { partyId } = unwrap(await register(db, buyerForm('waiting')));
  const world = { entry: { id }, session: { db, env: {} }, parties: { current: [] }, clock: { current: 0 } } as unknown as WorldModel;
  render(AccountPage, { world, party: { id: partyId, kind: 'buyer', name: { zh: 'waiting', en: 'waiting' }, createdAt: 0, institution: false }, page: [] });
  await screen.findByTestId('activation-form');
}

describe('an account waiting for activation, in a tab without its key', () => {
  it('in a class world: offers signing in, and says why, beside the activation form', async () => {
    await accountPageOf(true);
    expect(screen.getByTestId('login-password')).toBeTruthy();
    expect(screen.getByTestId('class-sign-in-to-activate').textContent).toBe(en['account.classSignInToActivate']);
  });

  it('in a world of this browser alone: the activation form only (activating needs no key there)', async () => {
    await accountPageOf(false);
    expect(screen.queryByTestId('login-password')).toBeNull();
  });
});
