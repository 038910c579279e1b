import { normalizeLoginName, type RegistrationRole } from '../../domain/index.ts';
import {
  registrationProblems,
  type RegisterField,
  type RegisterFieldProblem,
  type RegisterFields,
  type RegisterInput,
  type RegisterResult,
  type Registered,
} from '../../app/identity/registration.ts';

// The registration form's state: the typed values, each field's problem and the submit step.
// Problems show after the first submit and then follow every keystroke; the form sends its data
// only when every field is fine (the command checks everything again).

export const requiredFields = ['loginName', 'password', 'passwordAgain', 'realName', 'deliveryAddress', 'deliveryPhone', 'email'] as const;
export const optionalFields = ['idNumber', 'gender', 'education', 'birthDate', 'income', 'postcode'] as const;
export const storeFields = ['storeName', 'storeDescription'] as const;

export type FormField = (typeof requiredFields)[number] | (typeof optionalFields)[number] | (typeof storeFields)[number];

function emptyValues(): Record<FormField, string> {
  const values = {} as Record<FormField, string>;
  for (const f of [...requiredFields, ...optionalFields, ...storeFields]) values[f] = '';
  return values;
}

export class RegistrationModel {
  values = $state<Record<FormField, string>>(emptyValues());
  /** Problems from the last check (shown once the user tried to submit). */
  errors = $state<RegisterFields>({});
  shown = $state(false);
  busy = $state(false);
  /** A problem that is not about one field (a storage fault...). */
  formError = $state<{ code: string; detail?: Readonly<Record<string, string | number>> } | null>(null);

  /**
   * The login name as it will be saved (NFKC, trimmed: "ＡＬＩＣＥ " is saved as "ALICE") and the
   * key it must be unique by (any letter case: "alice"), shown while the user types; null while
   * the name is empty or not a valid login name (its own problem says why after a submit).
   */
  readonly loginNamePreview = $derived.by((): { saved: string; key: string } | null => {
    const typed = this.values.loginName;
    if (typed.trim() === '') return null;
    // The name's check does not depend on world time; the other fields' problems are not read.
    if (registrationProblems(this.input(), 0).fields.loginName !== undefined) return null;
    return { saved: typed.normalize('NFKC').trim(), key: normalizeLoginName(typed) };
  });

  constructor(readonly role: RegistrationRole) {}

  input(): RegisterInput {
    const v = this.values;
    const base: RegisterInput = {
      role: this.role,
      loginName: v.loginName,
      password: v.password,
      passwordAgain: v.passwordAgain,
      realName: v.realName,
      deliveryAddress: v.deliveryAddress,
      deliveryPhone: v.deliveryPhone,
      email: v.email,
      idNumber: v.idNumber,
      gender: v.gender,
      education: v.education,
      birthDate: v.birthDate,
      income: v.income,
      postcode: v.postcode,
    };
    return this.role === 'seller' ? { ...base, store: { name: v.storeName, description: v.storeDescription } } : base;
  }

  /** Checks every field at world time `now`; true when all are fine. */
  check(now: number): boolean {
    this.errors = registrationProblems(this.input(), now).fields;
    return Object.keys(this.errors).length === 0;
  }

  /** Re-checks after an edit, once problems are on screen. */
  edited(now: number): void {
    if (this.shown) this.check(now);
  }

  problem(field: RegisterField): RegisterFieldProblem | undefined {
    return this.shown ? this.errors[field] : undefined;
  }

  async submit(now: number, send: (input: RegisterInput) => Promise<RegisterResult>): Promise<Registered | null> {
    this.shown = true;
    this.formError = null;
    if (!this.check(now)) return null;
    this.busy = true;
    let result: RegisterResult;
    try {
      result = await send(this.input());
    } finally {
      this.busy = false;
    }
    if (result.ok) return result.value;
    if (result.fields !== undefined && Object.keys(result.fields).length > 0) this.errors = result.fields;
    else this.formError = result.detail === undefined ? { code: result.code } : { code: result.code, detail: result.detail };
    return null;
  }
}
