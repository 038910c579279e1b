import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/ui/i18n/en.ts';
import { zhCN } from '../../src/ui/i18n/zh-CN.ts';

// Every result code the app can return reaches the user through i18n.error, which looks up
// `error.<code>`: a code without a message would show as "unknown error". The codes are collected
// from the sources: each `err('code'…)` literal in the layers that return results, the storage
// faults' union, and the codes the pipeline itself makes.

const roots = ['src/app', 'src/domain', 'src/storage', 'src/sync'];
/** Source files read at most (the tree holds a few hundred). */
const filesMax = 5_000;

function sourceFiles(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (name.endsWith('.ts')) out.push(path);
    expect(out.length).toBeLessThan(filesMax);
  }
  return out;
}

function returnedCodes(): Map<string, string[]> {
  const codes = new Map<string, string[]>();
  const add = (code: string, where: string) => codes.set(code, [...(codes.get(code) ?? []), where]);
  for (const file of roots.flatMap((r) => sourceFiles(r, []))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\berr(?:<[^>(]*>)?\(\s*'([a-z0-9_.]+)'/g)) add(m[1]!, file);
    for (const m of text.matchAll(/\bok:\s*false,\s*code:\s*'([a-z0-9_.]+)'/g)) add(m[1]!, file);
  }
  // The StorageFault union (storage/faults.ts): runCommand returns these as codes.
  const faults = readFileSync('src/storage/faults.ts', 'utf8');
  const union = /export type StorageFault =([^;]*);/.exec(faults);
  expect(union).not.toBeNull();
  for (const m of union![1]!.matchAll(/'([a-z0-9_]+)'/g)) add(m[1]!, 'StorageFault');
  // Made by the pipeline, not by err(): a job attempt that threw (app/scheduler.ts).
  add('job_crashed', 'src/app/scheduler.ts');
  return codes;
}

describe('result codes end to end', () => {
  it('collects the codes (a sanity floor, so a broken scan cannot pass)', () => {
    const codes = returnedCodes();
    expect(codes.size).toBeGreaterThan(300);
    for (const code of ['insufficient_funds', 'storage_quota_exceeded', 'command_id_reused', 'sign_in_required', 'job_crashed']) expect(codes.has(code), code).toBe(true);
  });

  it('every code that can be returned has a message in en and in zh-CN', () => {
    const missing: string[] = [];
    for (const [code, where] of returnedCodes()) {
      const key = `error.${code}`;
      const enText = (en as Record<string, string>)[key];
      const zhText = (zhCN as Record<string, string>)[key];
      if (enText === undefined || enText.length === 0) missing.push(`en ${key} (${[...new Set(where)].join(', ')})`);
      if (zhText === undefined || zhText.length === 0) missing.push(`zh-CN ${key} (${[...new Set(where)].join(', ')})`);
    }
    expect(missing).toEqual([]);
  });
});
