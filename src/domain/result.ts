// Expected failures are values, not exceptions: a command returns a Result whose error is a named
// code the UI translates into plain words (message key `error.<code>`). Programmer errors are
// assertions (see assert.ts) and are never caught.

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<C extends string = string> = {
  readonly ok: false;
  readonly code: C;
  /** Values the message may quote (an amount, a name); never free text meant for the user. */
  readonly detail?: Readonly<Record<string, string | number>>;
};
export type Result<T, C extends string = string> = Ok<T> | Err<C>;

/** The codes a function returning (a promise of) a Result can fail with: `CodeOfFn<typeof f>`. */
export type CodeOfFn<F extends (...args: never[]) => unknown> = Extract<Awaited<ReturnType<F>>, { readonly ok: false }> extends Err<infer C> ? C : never;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<C extends string>(code: C, detail?: Record<string, string | number>): Err<C> {
  return detail === undefined ? { ok: false, code } : { ok: false, code, detail };
}
