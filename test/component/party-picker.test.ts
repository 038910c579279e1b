import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import PartyPicker from '../../src/ui/world/PartyPicker.svelte';
import { seedInstitutions, type Party } from '../../src/domain/index.ts';

describe('PartyPicker', () => {
  it('lists every institution, says when no users exist, and links each party to its route', () => {
    render(PartyPicker, { worldId: 'w1', parties: seedInstitutions(0) });
    const options = screen.getAllByTestId('party-option');
    expect(options).toHaveLength(8);
    expect(options.map((o) => o.dataset.party)).toEqual(['platform', 'bank-a', 'bank-b', 'card', 'escrow', 'logistics', 'clearing', 'ca']);
    const bank = screen.getByRole('link', { name: /Huaxin Bank/ });
    expect(bank.getAttribute('href')).toBe('#/w/w1/p/bank-a');
    expect(bank.textContent).toContain('Bank');
    expect(screen.getByText('No buyers or sellers have registered yet.')).toBeTruthy();
  });

  it('lists registered buyers and sellers separately', () => {
    const buyer: Party = { id: 'u-li', kind: 'buyer', institution: false, createdAt: 0, name: { zh: '李雷', en: 'Li Lei' } };
    render(PartyPicker, { worldId: 'w1', parties: [...seedInstitutions(0), buyer] });
    expect(screen.getAllByTestId('party-option')).toHaveLength(9);
    expect(screen.getByRole('link', { name: /Li Lei/ }).getAttribute('href')).toBe('#/w/w1/p/u-li');
    expect(screen.queryByText('No buyers or sellers have registered yet.')).toBeNull();
  });
});
