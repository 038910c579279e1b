import './jsdom-bytes.ts';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import BankCounterPage from '../../src/ui/banking/BankCounterPage.svelte';
import { bankingTables } from '../../src/storage/banking-tables.ts';
import type { Party } from '../../src/domain/index.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { freshWorld } from '../helpers/world.ts';

// Issue #18 item 5: the bank counter's cash form offered every customer of the bank in one dropdown
// and listed every customer's account below it (one per customer: thousands in a big world). The
// form now picks the account with a search box over at most 100 matches, the list pages 50 at a time.

const customers = 150;

describe('BankCounterPage', () => {
  it('offers at most 100 accounts, finds any customer by name, and pages the customers 50 at a time', async () => {
    const { db } = await freshWorld();
    const people: Party[] = Array.from({ length: customers }, (_, i) => ({ id: `u-c${String(i).padStart(3, '0')}`, kind: 'buyer', institution: false, createdAt: 0, name: { en: `Customer ${i}`, zh: `客户${i}` } }));
    await db.parties.bulkPut(people);
    await bankingTables(db).bankAccounts.bulkPut(people.map((p, i) => ({ id: `bank-a:deposit:${p.id}`, bankId: 'bank-a', partyId: p.id, cardNumber: `62${String(i).padStart(14, '0')}`, openedAt: i, applicationId: null })));
    const parties = await db.parties.toArray();
    const bank = parties.find((p) => p.id === 'bank-a') as Party;
    const world = { session: { db, env: {} }, parties: { current: parties }, entry: { id: 'test' } } as unknown as WorldModel;
    render(BankCounterPage, { world, party: bank, page: [] });

    const options = () => [...(screen.getByTestId('counter-account') as HTMLSelectElement).options].filter((o) => o.value !== '').map((o) => o.value);
    await waitFor(() => expect(options().length).toBe(100));
    await fireEvent.input(screen.getByTestId('counter-account-search'), { target: { value: 'Customer 149' } });
    await waitFor(() => expect(options()).toEqual(['bank-a:deposit:u-c149']));

    const rows = () => screen.getAllByTestId('customer-row').length;
    await waitFor(() => expect(rows()).toBe(50));
    await fireEvent.click(screen.getByTestId('customers-next'));
    await waitFor(() => expect(screen.getByTestId('customers-page').textContent).toBe('Page 2'));
    db.close();
  });
});
