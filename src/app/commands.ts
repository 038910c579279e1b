import type { CommandDefinition } from './pipeline.ts';
import { advanceClockCommand } from './clock.ts';

// The registry of defined commands (docs/pipeline.md): replay finds a logged command by its name
// here. A plain object, no side-effect registration: a command is replayable exactly when it is
// listed. Jobs (`job:<kind>`) and `jobFailed` are found through the scheduler (replay.ts).

// Definitions are contravariant in their input: the registry holds them by name, any input.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandDefinition<any, unknown>;

export const commandRegistry: Readonly<Record<string, AnyCommand>> = {
  // the world clock
  advanceClock: advanceClockCommand,
};
