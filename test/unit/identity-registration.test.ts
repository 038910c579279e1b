import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  birthDateOfIdNumber,
  idNumberCheckDigit,
  idNumberProblem,
  isValidIdNumber,
  normalizeLoginName,
  normalizePhone,
  validateRegistration,
  type RegistrationInput,
} from '../../src/domain/identity/index.ts';
import { AssertionError } from '../../src/domain/assert.ts';

describe('PRC resident ID number', () => {
  it('computes the ISO 7064 MOD 11-2 check character of real examples', () => {
    expect(idNumberCheckDigit('11010519491231002')).toBe('X');
    expect(idNumberCheckDigit('44052418800101001')).toBe('4');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('11010519491231002x')).toBe(true); // typed lower-case
    expect(isValidIdNumber('440524188001010014')).toBe(true);
    expect(birthDateOfIdNumber('11010519491231002X')).toBe('1949-12-31');
  });

  it('names what is wrong with invalid numbers', () => {
    expect(idNumberProblem('110105194912310021')).toBe('id_check_digit');
    expect(idNumberProblem('440524188001010015')).toBe('id_check_digit');
    expect(idNumberProblem('11010519491231002')).toBe('id_format');
    expect(idNumberProblem('11010519491231002Y')).toBe('id_format');
    expect(idNumberProblem('1101051949123100211')).toBe('id_format');
    const wrongRegion = `99010519491231002`;
    expect(idNumberProblem(wrongRegion + idNumberCheckDigit(wrongRegion))).toBe('id_region');
    const february30 = '11010519490230002';
    expect(idNumberProblem(february30 + idNumberCheckDigit(february30))).toBe('id_birth_date');
    const notLeap = '11010519000229002'; // 1900 is not a leap year
    expect(idNumberProblem(notLeap + idNumberCheckDigit(notLeap))).toBe('id_birth_date');
    const leap = '11010520000229002';
    expect(idNumberProblem(leap + idNumberCheckDigit(leap))).toBe(null);
    const future = '11010520990101002';
    expect(idNumberProblem(future + idNumberCheckDigit(future))).toBe(null);
    expect(idNumberProblem(future + idNumberCheckDigit(future), Date.UTC(2024, 0, 1))).toBe('id_birth_date');
    expect(isValidIdNumber('110105194912310021')).toBe(false);
  });

  it('the check character catches every single-digit change', () => {
    const digit = fc.integer({ min: 0, max: 9 });
    fc.assert(
      fc.property(fc.array(digit, { minLength: 3, maxLength: 3 }), fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (seq, position, delta) => {
        const first17 = `110105${'19800101'}${seq.join('')}`;
        const id = first17 + idNumberCheckDigit(first17);
        expect(isValidIdNumber(id)).toBe(true);
        const changed = first17.slice(0, position) + String((Number(first17[position]) + delta) % 10) + first17.slice(position + 1);
        // Either the format/date check or the check character refuses it.
        expect(isValidIdNumber(changed + id[17])).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('asserts idNumberCheckDigit gets 17 digits', () => {
    expect(() => idNumberCheckDigit('1101051949123100')).toThrow(AssertionError);
  });
});

describe('normalizeLoginName', () => {
  it('folds case, width and surrounding space, so look-alike names collide', () => {
    expect(normalizeLoginName('  Alice_01 ')).toBe('alice_01');
    expect(normalizeLoginName('Ａｌｉｃｅ＿０１')).toBe('alice_01');
    expect(normalizeLoginName('\u3000ALICE_01')).toBe('alice_01'); // ideographic space
  });
});

describe('normalizePhone', () => {
  it('accepts PRC mobiles and landlines with area codes, in common typed forms', () => {
    expect(normalizePhone('13812345678')).toBe('13812345678');
    expect(normalizePhone('138 1234 5678')).toBe('13812345678');
    expect(normalizePhone('+86 138-1234-5678')).toBe('13812345678');
    expect(normalizePhone('１３８１２３４５６７８')).toBe('13812345678');
    expect(normalizePhone('010-12345678')).toBe('010-12345678');
    expect(normalizePhone('(021) 8765 4321')).toBe('021-87654321');
    expect(normalizePhone('0755-1234567')).toBe('0755-1234567');
    expect(normalizePhone('+86 10 12345678')).toBe('010-12345678');
  });

  it('refuses what is neither', () => {
    for (const bad of ['12812345678', '1381234567', '138123456789', '12345678', '010-1234567', '0755-123456', 'phone', '']) {
      expect(normalizePhone(bad)).toBe(null);
    }
  });
});

const valid: RegistrationInput = {
  role: 'buyer',
  loginName: 'zhang_san',
  password: 'correct horse battery',
  passwordAgain: 'correct horse battery',
  realName: '张三',
  deliveryAddress: '北京市海淀区中关村大街1号',
  deliveryPhone: '138 1234 5678',
  email: 'Zhang.San@Example.COM',
};

function fieldsOf(input: Partial<RegistrationInput>, now?: number): Record<string, string> {
  const result = validateRegistration({ ...valid, ...input }, now === undefined ? {} : { now });
  return result.ok ? {} : result.fields;
}

describe('validateRegistration', () => {
  it('returns clean data for a valid buyer with only required fields', () => {
    const result = validateRegistration(valid);
    expect(result).toEqual({
      ok: true,
      value: {
        role: 'buyer',
        loginName: 'zhang_san',
        loginNameKey: 'zhang_san',
        password: 'correct horse battery',
        realName: '张三',
        deliveryAddress: '北京市海淀区中关村大街1号',
        deliveryPhone: '13812345678',
        email: 'Zhang.San@example.com',
        idNumber: null,
        gender: null,
        education: null,
        birthDate: null,
        income: null,
        postcode: null,
      },
    });
  });

  it('returns clean data for a seller with every optional field', () => {
    const result = validateRegistration({
      ...valid,
      role: 'seller',
      loginName: 'Shop_Owner',
      realName: ' 买买提·艾力 ',
      idNumber: '11010519491231002x',
      gender: 'male',
      education: 'bachelor',
      birthDate: '1949-12-31',
      income: '8000_15000',
      postcode: '100080',
      deliveryPhone: '010-62345678',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      role: 'seller',
      loginName: 'Shop_Owner',
      loginNameKey: 'shop_owner',
      realName: '买买提·艾力',
      idNumber: '11010519491231002X',
      gender: 'male',
      education: 'bachelor',
      birthDate: '1949-12-31',
      income: '8000_15000',
      postcode: '100080',
      deliveryPhone: '010-62345678',
    });
  });

  it('reports every problem at once', () => {
    const result = validateRegistration({
      role: '',
      loginName: '',
      password: '',
      passwordAgain: '',
      realName: '',
      deliveryAddress: '',
      deliveryPhone: '',
      email: '',
      idNumber: '123',
      postcode: '1000',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('invalid_registration');
    expect(result.fields).toEqual({
      role: 'invalid_choice',
      loginName: 'required',
      password: 'required',
      passwordAgain: 'required',
      realName: 'required',
      deliveryAddress: 'required',
      deliveryPhone: 'required',
      email: 'required',
      idNumber: 'id_format',
      postcode: 'invalid_postcode',
    });
    expect(result.detail).toEqual(result.fields);
  });

  it('checks the login name', () => {
    expect(fieldsOf({ loginName: 'ab' })).toEqual({ loginName: 'too_short' });
    expect(fieldsOf({ loginName: 'a'.repeat(33) })).toEqual({ loginName: 'too_long' });
    expect(fieldsOf({ loginName: 'a'.repeat(32) })).toEqual({});
    expect(fieldsOf({ loginName: 'zhang san' })).toEqual({ loginName: 'invalid_characters' });
    expect(fieldsOf({ loginName: '张三丰' })).toEqual({ loginName: 'invalid_characters' });
    expect(fieldsOf({ loginName: 'a-b-c' })).toEqual({ loginName: 'invalid_characters' });
    expect(fieldsOf({ loginName: '   ' })).toEqual({ loginName: 'required' });
  });

  it('checks the password and its repetition', () => {
    expect(fieldsOf({ password: 'short12', passwordAgain: 'short12' })).toEqual({ password: 'too_short' });
    expect(fieldsOf({ password: '12345678', passwordAgain: '12345678' })).toEqual({});
    expect(fieldsOf({ password: '密码很长很长很长', passwordAgain: '密码很长很长很长' })).toEqual({});
    expect(fieldsOf({ password: 'x'.repeat(129), passwordAgain: 'x'.repeat(129) })).toEqual({ password: 'too_long' });
    expect(fieldsOf({ password: '        ', passwordAgain: '        ' })).toEqual({ password: 'required' });
    expect(fieldsOf({ password: 'Zhang_San', passwordAgain: 'Zhang_San' })).toEqual({ password: 'same_as_login_name' });
    expect(fieldsOf({ passwordAgain: 'correct horse batterY' })).toEqual({ passwordAgain: 'password_mismatch' });
    expect(fieldsOf({ passwordAgain: '' })).toEqual({ passwordAgain: 'required' });
  });

  it('checks the real name and the delivery address', () => {
    expect(fieldsOf({ realName: '张' })).toEqual({ realName: 'too_short' });
    expect(fieldsOf({ realName: '张'.repeat(51) })).toEqual({ realName: 'too_long' });
    expect(fieldsOf({ realName: '张三3' })).toEqual({ realName: 'invalid_characters' });
    expect(fieldsOf({ realName: 'Mary-Jane O\'Neil' })).toEqual({});
    expect(fieldsOf({ deliveryAddress: '北京' })).toEqual({ deliveryAddress: 'too_short' });
    expect(fieldsOf({ deliveryAddress: '路'.repeat(201) })).toEqual({ deliveryAddress: 'too_long' });
  });

  it('checks the phone and the e-mail address', () => {
    expect(fieldsOf({ deliveryPhone: '12345' })).toEqual({ deliveryPhone: 'invalid_phone' });
    expect(fieldsOf({ deliveryPhone: '0755-1234567' })).toEqual({});
    for (const bad of ['zhang', 'zhang@', '@example.com', 'zhang@example', 'zhang..san@example.com', 'zhang@exa mple.com', `${'a'.repeat(65)}@example.com`]) {
      expect(fieldsOf({ email: bad })).toEqual({ email: 'invalid_email' });
    }
  });

  it('checks the optional fields only when given', () => {
    expect(fieldsOf({ idNumber: '', gender: '', education: '', birthDate: '', income: '', postcode: '' })).toEqual({});
    expect(fieldsOf({ idNumber: '110105194912310021' })).toEqual({ idNumber: 'id_check_digit' });
    expect(fieldsOf({ gender: 'robot' })).toEqual({ gender: 'invalid_choice' });
    expect(fieldsOf({ education: 'phd' })).toEqual({ education: 'invalid_choice' });
    expect(fieldsOf({ income: '5000.00' })).toEqual({ income: 'invalid_choice' });
    expect(fieldsOf({ postcode: '10008' })).toEqual({ postcode: 'invalid_postcode' });
    expect(fieldsOf({ postcode: '10008a' })).toEqual({ postcode: 'invalid_postcode' });
  });

  it('checks the birth date: a real day, not in the future, and the ID number\'s', () => {
    expect(fieldsOf({ birthDate: '1990-02-29' })).toEqual({ birthDate: 'invalid_date' });
    expect(fieldsOf({ birthDate: '1992-02-29' })).toEqual({});
    expect(fieldsOf({ birthDate: '1990-13-01' })).toEqual({ birthDate: 'invalid_date' });
    expect(fieldsOf({ birthDate: '1990/01/01' })).toEqual({ birthDate: 'invalid_date' });
    expect(fieldsOf({ birthDate: '1899-12-31' })).toEqual({ birthDate: 'invalid_date' });
    const now = Date.UTC(2024, 5, 1);
    expect(fieldsOf({ birthDate: '2024-06-02' }, now)).toEqual({ birthDate: 'date_in_future' });
    expect(fieldsOf({ birthDate: '2024-06-01' }, now)).toEqual({});
    expect(fieldsOf({ idNumber: '11010519491231002X', birthDate: '1949-12-30' })).toEqual({ birthDate: 'birth_date_mismatch' });
  });

  it('checks the role', () => {
    expect(fieldsOf({ role: 'operator' })).toEqual({ role: 'invalid_choice' });
    expect(fieldsOf({ role: 'seller' })).toEqual({});
  });

  it('refuses overlong input before normalizing it', () => {
    expect(fieldsOf({ deliveryAddress: 'x'.repeat(5_000) })).toEqual({ deliveryAddress: 'too_long' });
  });
});
