import './jsdom-bytes.ts';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import ActivationForm from '../../src/ui/identity/ActivationForm.svelte';
import { register } from '../../src/app/identity/registration.ts';
import { tabKeys } from '../../src/app/identity/keys.ts';
import { toasts } from '../../src/ui/common/toasts.svelte.ts';
import { en } from '../../src/ui/i18n/en.ts';
import { loadAllMessages } from '../../src/ui/i18n/i18n.svelte.ts';
import { freshWorld } from '../helpers/world.ts';
import { activationCodeFromMailbox, buyerForm } from '../helpers/identity.ts';
import { unwrap } from '../helpers/market.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';

// After activating, the toast says what comes next. A tab that registered in class mode is signed
// in already (the registration opened the key to sign it): "you can log in now" sent the newcomer
// to a login form that was not there, so such a tab is told it is signed in and where to go next.

async function activateIn(loginName: string, signedIn: boolean): Promise<string> {
  await loadAllMessages();
  const { id, db } = await freshWorld();
  const { partyId } = unwrap(await register(db, buyerForm(loginName)));
  if (signedIn) tabKeys.open({ worldId: id, partyId, loginName, loggedInAtMs: 0 }, new Uint8Array(32).fill(3));
  const world = { entry: { id }, session: { db, env: {} } } as unknown as WorldModel;
  const { unmount } = render(ActivationForm, { world, partyId });
  await fireEvent.input(screen.getByTestId('activation-code-input'), { target: { value: await activationCodeFromMailbox(db, partyId) } });
  const before = toasts.items.length;
  await fireEvent.submit(screen.getByTestId('activation-form'));
  await waitFor(() => expect(toasts.items.length).toBeGreaterThan(before));
  unmount();
  tabKeys.forget(id, partyId);
  return toasts.items.at(-1)!.text();
}

describe('activation: what next', () => {
  it('tells a tab signed in already (class mode) that it is, and what to do next', async () => {
    expect(await activateIn('signedin', true)).toBe(en['activation.doneSignedIn']);
  });

  it('tells a tab not signed in to log in', async () => {
    expect(await activateIn('notyet', false)).toBe(en['activation.done']);
  });
});
