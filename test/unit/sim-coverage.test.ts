import { describe, expect, it } from 'vitest';
import { commandRegistry } from '../../src/app/commands.ts';
import { simulatedCommands } from '../sim/simulator.ts';

// Issue #19 item 4: the seeded simulator drives ALL commands. Every command registered in
// src/app/commands.ts must be one the simulator can generate (its static list: the market steps in
// simulator.ts and the generators in more-steps.ts), or be named below with the reason it cannot
// be simulated meaningfully. A new command fails this test until it gets a generator or a reason.

const exempt: Readonly<Record<string, string>> = {
  // Not a tab's command: the scheduler writes it on a job row when a job's attempt fails. The
  // simulator's clock jumps run due jobs (runDueJobs), which write it whenever an attempt fails.
  jobFailed: 'written by the scheduler itself for a failed job attempt, never submitted by a tab',
  // The teacher's lab tools exist to break the world on purpose, so the invariants the simulator
  // checks would fail by design: a tampered journal entry breaks the hash chain; a lab transfer
  // and a lab account move money outside any institution's own rules; an altered cheque amount
  // is the forged cheque the e-cheque lab asks students to catch.
  labTamperEntry: 'teacher lab tool: rewrites a journal entry, so the chain must stop verifying',
  labTransfer: "teacher lab tool: moves money between any accounts, outside the institutions' rules",
  labOpenAccount: "teacher lab tool: opens an account in any book for a lab's setup",
  labAlterChequeAmount: 'teacher lab tool: forges the amount of a cheque already written',
  // The reconciliation lab's faults: they make the channels' bills disagree with the books on
  // purpose (a fee changed, a payment moved across the cut-off, a bill file imported).
  reconLabArm: 'teacher lab tool: arms a fault in a payment channel’s next bill',
  reconLabFee: 'teacher lab tool: changes the fee of a channel trade after the fact',
  reconLabCutoff: 'teacher lab tool: moves a channel trade across the day’s cut-off',
  reconLabImport: 'teacher lab tool: imports a bill file (file import, not a world step)',
  // A lab file is imported from disk and the answers belong to it: no world state to simulate.
  rememberLabFile: 'imports a lab file the teacher chose (file import)',
  answerLabQuestion: 'answers a question of an imported lab file (needs rememberLabFile)',
};

describe('the simulator covers every registered command', () => {
  const registered = Object.keys(commandRegistry).sort();

  it('generates every registered command but the exempt ones', () => {
    const generated = new Set(simulatedCommands);
    const missing = registered.filter((name) => !generated.has(name) && !Object.hasOwn(exempt, name));
    expect(missing, `commands the simulator cannot generate (add a generator in test/sim/more-steps.ts, or an exemption with its reason here): ${missing.join(', ')}`).toEqual([]);
  });

  it('lists only registered commands, and exempts none it generates', () => {
    expect(simulatedCommands.filter((name) => !Object.hasOwn(commandRegistry, name))).toEqual([]);
    expect(Object.keys(exempt).filter((name) => !Object.hasOwn(commandRegistry, name))).toEqual([]);
    expect(Object.keys(exempt).filter((name) => simulatedCommands.includes(name))).toEqual([]);
  });
});
