import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { en } from '../../src/ui/i18n/en.ts';
import { registrationRoles, educationLevels, genders, incomeBrackets, revocationReasons, roles } from '../../src/domain/index.ts';
import { requiredFields, optionalFields, storeFields } from '../../src/ui/identity/registration.svelte.ts';

// Every result code the identity feature can return reaches the user as `error.<code>` in plain
// words; every field, choice and reason the forms show has its label.

const root = resolve(import.meta.dirname, '../..');
const sources = [
  ...['src/app/identity', 'src/domain/identity'].flatMap((dir) => readdirSync(join(root, dir)).map((f) => join(root, dir, f))),
  join(root, 'src/app/mailbox.ts'),
];

function codesIn(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/\berr\('([a-z_]+)'/g)].map((m) => m[1]!);
}

describe('identity messages', () => {
  it('every code returned by err(...) in the identity modules has an error message', () => {
    const codes = new Set(sources.flatMap(codesIn));
    expect(codes.size).toBeGreaterThan(60);
    const missing = [...codes].filter((code) => !(`error.${code}` in en));
    expect(missing).toEqual([]);
  });

  it('every form field, choice, role and revocation reason has a label', () => {
    const keys = [
      ...[...requiredFields, ...optionalFields, ...storeFields].map((f) => `reg.field.${f}`),
      ...genders.map((g) => `gender.${g}`),
      ...educationLevels.map((e) => `education.${e}`),
      ...incomeBrackets.map((i) => `income.${i}`),
      ...roles.map((r) => `kind.${r}`),
      ...registrationRoles.map((r) => `reg.title.${r}`),
      ...revocationReasons.map((r) => `revocation.${r}`),
    ];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });
});
