import { describe, expect, it } from 'vitest';
import { commandRegistry, type RegisteredCommands } from '../../src/app/commands.ts';
import type { CodeOf, PipelineCode } from '../../src/app/pipeline.ts';
import { en, type MessageKey } from '../../src/ui/i18n/en.ts';
import { zhCN } from '../../src/ui/i18n/zh-CN.ts';

// Result codes end to end (issue #19 item 6), checked on the TYPES: defineCommand infers the union
// of codes each command's `apply` can return (the domain's unions carry through the app layer), the
// registry keeps each definition's own type, and the declarations below fail `tsc` (npm run check)
// when a registered command can return a code without an `error.<code>` message. zh-CN.ts is typed
// Record<MessageKey, string>, so a key in en is a key in zh-CN; the runtime test below checks that
// neither message is empty. Every registered command's union is narrowed (stillWidened below is
// empty); the source scan in result-codes.test.ts still covers the codes of functions outside the
// registry (the wrappers' own checks before `execute`, job handlers, world files).

type R = RegisteredCommands;

/** The codes that have a message: every `error.<code>` key of the catalogs. */
type MessagedCode = MessageKey extends infer K ? (K extends `error.${infer C}` ? C : never) : never;

/** Each narrowed command whose codes lack a message, with those codes (must be empty). */
type Unmessaged = {
  [K in keyof R as string extends CodeOf<R[K]> ? never : [Exclude<CodeOf<R[K]>, MessagedCode>] extends [never] ? never : K]: Exclude<CodeOf<R[K]>, MessagedCode>;
};
// A tsc error here names the command and the code without a message ("Property 'x' is missing").
const unmessaged: Unmessaged = {};

// The pipeline's own codes (the sign-in gate, a reused command id, storage faults) reach every page.
const pipelineCodesMessaged: [Exclude<PipelineCode, MessagedCode>] extends [never] ? true : false = true;

/** The commands whose `apply` still returns a bare `string` code. */
type Widened = keyof { [K in keyof R as string extends CodeOf<R[K]> ? K : never]: true };

/**
 * The commands whose codes are not narrowed: none. A new command whose `apply` returns a bare
 * `string` code fails tsc here ("missing the following properties"): narrow the helper it calls
 * (return the domain's union, or a named app-level union such as ChannelAdapterCode) instead.
 */
const stillWidened = {} as const satisfies Record<Widened, true>;

describe('result codes by command (types)', () => {
  it('type-checks: every narrowed command code and every pipeline code has a message (see the declarations above)', () => {
    expect(unmessaged).toEqual({});
    expect(pipelineCodesMessaged).toBe(true);
  });

  it('the pipeline codes read as non-empty words in en and zh-CN', () => {
    const pipelineCodes: Record<PipelineCode, true> = {
      sign_in_required: true, command_id_reused: true, storage_unavailable: true, storage_quota_exceeded: true,
      storage_transaction_aborted: true, storage_version_too_new: true, storage_closed: true, storage_blocked: true,
    };
    for (const code of Object.keys(pipelineCodes)) {
      const key = `error.${code}` as MessageKey;
      expect(en[key].length, key).toBeGreaterThan(0);
      expect(zhCN[key].length, key).toBeGreaterThan(0);
    }
  });

  it('no registered command is left widened to string', () => {
    expect(Object.keys(stillWidened)).toEqual([]);
    expect(Object.keys(commandRegistry).length).toBeGreaterThan(0);
  });
});
