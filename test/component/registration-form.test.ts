import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import RegistrationForm from '../../src/ui/identity/RegistrationForm.svelte';
import { idNumberCheckDigit, ok, worldEpochMs } from '../../src/domain/index.ts';
import type { RegisterInput, RegisterResult } from '../../src/app/identity/registration.ts';

const now = worldEpochMs;

function field(name: string): HTMLInputElement {
  return screen.getByTestId(`reg-${name}`) as HTMLInputElement;
}

async function type(name: string, value: string): Promise<void> {
  await fireEvent.input(field(name), { target: { value } });
}

function errorOf(name: string): string | null {
  return screen.queryByTestId(`reg-error-${name}`)?.textContent ?? null;
}

const validId = `11010519491231002${idNumberCheckDigit('11010519491231002')}`;

describe('RegistrationForm', () => {
  it('shows every required field’s error on an empty submit and sends nothing', async () => {
    const submit = vi.fn(async (): Promise<RegisterResult> => ok({ partyId: 'u-x', loginName: 'x' }));
    render(RegistrationForm, { role: 'buyer', now, submit });
    await fireEvent.click(screen.getByTestId('reg-submit'));
    for (const name of ['loginName', 'password', 'passwordAgain', 'realName', 'deliveryAddress', 'deliveryPhone', 'email']) {
      expect(errorOf(name), name).toBe('Please fill this in.');
      expect(field(name).getAttribute('aria-invalid'), name).toBe('true');
      expect(field(name).getAttribute('aria-describedby')).toBe(`reg-error-${name}`);
    }
    // Optional fields left empty are fine.
    for (const name of ['idNumber', 'birthDate', 'postcode', 'gender']) expect(errorOf(name), name).toBeNull();
    expect(screen.getByTestId('reg-fix-fields').textContent).toBe('Please correct the fields marked above.');
    expect(submit).not.toHaveBeenCalled();
  });

  it('names each field’s problem in plain words, updates as the user types, and submits only valid data', async () => {
    const submit = vi.fn(async (_input: RegisterInput): Promise<RegisterResult> => ok({ partyId: 'u-lilei', loginName: 'LiLei' }));
    const ondone = vi.fn();
    render(RegistrationForm, { role: 'buyer', now, submit, ondone });
    await type('loginName', 'li');
    await type('password', 'short');
    await type('passwordAgain', 'shorter');
    await type('realName', '李雷');
    await type('deliveryAddress', '北京市海淀区中关村大街1号');
    await type('deliveryPhone', '12345');
    await type('email', 'lilei@');
    await type('idNumber', validId.slice(0, 17) + (validId[17] === '0' ? '1' : '0'));
    await type('postcode', '1000');
    await type('birthDate', '2030-01-01');
    await fireEvent.click(screen.getByTestId('reg-submit'));

    expect(errorOf('loginName')).toBe('Too short: at least 3 characters.');
    expect(errorOf('password')).toBe('Too short: at least 8 characters.');
    expect(errorOf('passwordAgain')).toBe('The two passwords differ.');
    expect(errorOf('realName')).toBeNull();
    expect(errorOf('deliveryAddress')).toBeNull();
    expect(errorOf('deliveryPhone')).toContain('Not a phone number');
    expect(errorOf('email')).toContain('Not an email address');
    expect(errorOf('idNumber')).toContain('check digit');
    expect(errorOf('postcode')).toBe('A postcode has 6 digits.');
    expect(errorOf('birthDate')).toBe('That date has not come yet.');
    expect(submit).not.toHaveBeenCalled();

    // Fixing a field clears its message at once; the others stay.
    await type('loginName', 'LiLei');
    expect(errorOf('loginName')).toBeNull();
    expect(errorOf('email')).not.toBeNull();

    await type('password', 'correct horse 42');
    await type('passwordAgain', 'correct horse 42');
    await type('deliveryPhone', '138-1234-5678');
    await type('email', 'lilei@example.com');
    await type('idNumber', validId);
    await type('postcode', '100080');
    await type('birthDate', '1949-12-31');
    await fireEvent.change(field('gender'), { target: { value: 'male' } });
    await fireEvent.click(screen.getByTestId('reg-submit'));
    await waitFor(() => expect(submit).toHaveBeenCalledTimes(1));
    expect(submit.mock.calls[0]![0]).toMatchObject({
      role: 'buyer',
      loginName: 'LiLei',
      password: 'correct horse 42',
      deliveryPhone: '138-1234-5678',
      idNumber: validId,
      gender: 'male',
      postcode: '100080',
    });
    await waitFor(() => expect(ondone).toHaveBeenCalledWith({ partyId: 'u-lilei', loginName: 'LiLei' }));
    expect(screen.queryByTestId('reg-fix-fields')).toBeNull();
  });

  it('a seller’s form asks for the store too; a taken login name comes back on its field', async () => {
    const submit = vi.fn(async (_input: RegisterInput): Promise<RegisterResult> => ({ ok: false, code: 'invalid_registration', fields: { loginName: 'login_name_taken' } }));
    render(RegistrationForm, { role: 'seller', now, submit });
    for (const [name, value] of Object.entries({
      loginName: 'teashop', password: 'correct horse 42', passwordAgain: 'correct horse 42', realName: 'Han Meimei',
      deliveryAddress: '杭州市西湖区龙井路1号', deliveryPhone: '0571-87654321', email: 'tea@example.com',
    })) await type(name, value);
    await fireEvent.click(screen.getByTestId('reg-submit'));
    expect(errorOf('storeName')).toBe('Please fill this in.');
    expect(errorOf('storeDescription')).toBe('Please fill this in.');
    expect(submit).not.toHaveBeenCalled();

    await type('storeName', '龙井茶庄');
    await type('storeDescription', '明前龙井，产地直发');
    await fireEvent.click(screen.getByTestId('reg-submit'));
    await waitFor(() => expect(submit).toHaveBeenCalledTimes(1));
    expect(submit.mock.calls[0]![0]).toMatchObject({ role: 'seller', store: { name: '龙井茶庄', description: '明前龙井，产地直发' } });
    await waitFor(() => expect(errorOf('loginName')).toBe('This login name is already taken in this world.'));
  });

  it('shows, while the login name is typed, the form it will be saved as and whether it is taken (any letter case)', async () => {
    const taken = new Set(['alice']);
    const isLoginNameTaken = vi.fn(async (name: string) => taken.has(name.normalize('NFKC').trim().toLowerCase()));
    render(RegistrationForm, { role: 'buyer', now, submit: vi.fn(), isLoginNameTaken });
    const preview = () => screen.queryByTestId('reg-loginName-preview');
    expect(preview()).toBeNull();

    await type('loginName', 'ALICE');
    await waitFor(() => expect(preview()?.getAttribute('data-taken')).toBe('true'));
    expect(preview()!.textContent!.trim()).toBe('Saved as “ALICE”: already taken in this world (letter case does not count).');

    await type('loginName', 'alice ');
    await waitFor(() => expect(preview()?.textContent?.trim()).toBe('Saved as “alice”: already taken in this world (letter case does not count).'));

    // Full-width letters are saved as ASCII; a free name says so.
    await type('loginName', 'ＢＯＢ');
    await waitFor(() => expect(preview()?.getAttribute('data-taken')).toBe('false'));
    expect(preview()!.textContent!.trim()).toBe('Saved as “BOB”: free.');

    // Not a login name yet: no preview (its problem shows after a submit), and nothing is asked.
    const asked = isLoginNameTaken.mock.calls.length;
    await type('loginName', 'a!');
    expect(preview()).toBeNull();
    expect(isLoginNameTaken.mock.calls.length).toBe(asked);
  });
});
