import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm test` starts with scripts/ensure-chromium.mjs, so the README's test command either finds a
// Chromium, installs Debian's (as root), or stops at once saying what to run.
const script = resolve(import.meta.dirname, '../../scripts/ensure-chromium.mjs');

function run(chromiumPath: string) {
  return spawnSync(process.execPath, [script], { env: { ...process.env, CHROMIUM_PATH: chromiumPath }, encoding: 'utf8' });
}

describe('ensure-chromium', () => {
  it('passes when the named browser is an executable file', () => {
    expect(run(process.execPath).status).toBe(0);
  });

  it('stops at once, naming the path, when the named browser is missing (and installs nothing)', () => {
    const result = run('/nonexistent/chromium');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('/nonexistent/chromium');
    expect(result.stdout).not.toContain('installing');
  });
});
