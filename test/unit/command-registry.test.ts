import { describe, expect, it } from 'vitest';
import { commandRegistry } from '../../src/app/commands.ts';

describe('the command registry', () => {
  it('lists each command under its own name, once', () => {
    const entries = Object.entries(commandRegistry);
    expect(entries.length).toBeGreaterThan(0);
    for (const [key, command] of entries) expect(command.name, key).toBe(key);
    expect(new Set(Object.values(commandRegistry)).size).toBe(entries.length);
  });
});
