import Decimal from 'decimal.js';
import { err, ok, type Result } from '../result.ts';
import { isPartyKind, type PartyKind } from '../world/parties.ts';
import { parseMoney } from '../money/parse.ts';
import { toStored } from '../money/money.ts';

// A guided lab (实验) as data: what it teaches, which parties play, the preset world it starts
// from, each role's steps (ticked by a named check against the world) and the questions (answered
// by a named query of the world). A teacher-written lab is one such file (docs/labs.md). This
// module only reads and checks the file: the checks, queries and presets themselves are app code,
// so their names are passed in.

/** Every string a student reads, in both languages of the app. */
export type LabText = { readonly en: string; readonly zh: string };

export type LabRole = {
  readonly id: string;
  /** The party that plays the role in the preset world ('u-lab_buyer', 'logistics'...). */
  readonly party: string;
  readonly kind: PartyKind;
  readonly name: LabText;
};

export type LabStep = {
  readonly id: string;
  readonly role: string;
  readonly text: LabText;
  readonly hint: LabText;
  /** The party pages the step needs (ids of src/ui/world/pages.ts). */
  readonly pages: readonly string[];
  /** The named check (src/app/labs/checks.ts) that ticks the step from the world's state. */
  readonly check: string;
  /** The commands whose failures the step explains (a failed `payOrder` while paying). */
  readonly commands: readonly string[];
};

export const answerKinds = ['money', 'text'] as const;
export type AnswerKind = (typeof answerKinds)[number];

export type LabQuestion = {
  readonly id: string;
  readonly text: LabText;
  readonly hint: LabText;
  /** The named world query (src/app/labs/queries.ts) whose value is the right answer. */
  readonly query: string;
  readonly answer: AnswerKind;
};

export type LabFile = {
  readonly format: 1;
  readonly id: string;
  readonly title: LabText;
  readonly summary: LabText;
  readonly objectives: readonly LabText[];
  /** The named preset (src/app/labs/presets.ts) that prepares the lab's world. */
  readonly preset: string;
  readonly roles: readonly LabRole[];
  readonly steps: readonly LabStep[];
  readonly questions: readonly LabQuestion[];
};

/** The names a lab may refer to: what the app registered. */
export type LabRegistry = {
  readonly checks: ReadonlySet<string>;
  readonly queries: ReadonlySet<string>;
  readonly presets: ReadonlySet<string>;
  readonly pages: ReadonlySet<string>;
};

export type LabProblem =
  | 'not_an_object'
  | 'wrong_format'
  | 'bad_id'
  | 'missing_text'
  | 'missing_list'
  | 'duplicate_id'
  | 'unknown_kind'
  | 'unknown_role'
  | 'unknown_check'
  | 'unknown_query'
  | 'unknown_preset'
  | 'unknown_page'
  | 'unknown_answer_kind'
  | 'role_without_steps';

/** Why a lab file was refused: the problem and where in the file (`steps[2].text.zh`). */
export type LabInvalid = { readonly code: 'lab_invalid'; readonly problem: LabProblem; readonly where: string };

/** Named limits: a lab is a lesson, not a book. */
export const labListMax = 60;
export const labTextLengthMax = 2000;
const idPattern = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

class Refused extends Error {
  constructor(readonly problem: LabProblem, readonly where: string) {
    super(`${problem} at ${where}`);
  }
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Refused('not_an_object', where);
  return v as Record<string, unknown>;
}

function id(v: unknown, where: string): string {
  if (typeof v !== 'string' || !idPattern.test(v)) throw new Refused('bad_id', where);
  return v;
}

function text(v: unknown, where: string): LabText {
  const o = obj(v, where);
  for (const lang of ['en', 'zh'] as const) {
    const s = o[lang];
    if (typeof s !== 'string' || s.trim() === '' || s.length > labTextLengthMax) throw new Refused('missing_text', `${where}.${lang}`);
  }
  return { en: o.en as string, zh: o.zh as string };
}

function list(v: unknown, where: string, allowEmpty = false): unknown[] {
  if (!Array.isArray(v) || v.length > labListMax || (!allowEmpty && v.length === 0)) throw new Refused('missing_list', where);
  return v;
}

function unique(ids: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const [i, x] of ids.entries()) {
    if (seen.has(x)) throw new Refused('duplicate_id', `${where}[${i}].id`);
    seen.add(x);
  }
}

/** Checks a lab file (parsed JSON) against the names the app registered. */
export function validateLab(raw: unknown, registry: LabRegistry): Result<LabFile, 'lab_invalid'> {
  try {
    return ok(readLab(raw, registry));
  } catch (e) {
    if (e instanceof Refused) return err('lab_invalid', { problem: e.problem, where: e.where });
    throw e;
  }
}

/** validateLab's refusal as a typed value (for messages and tests). */
export function labInvalidOf(r: Result<LabFile, 'lab_invalid'>): LabInvalid | null {
  if (r.ok) return null;
  return { code: 'lab_invalid', problem: r.detail?.problem as LabProblem, where: String(r.detail?.where) };
}

function readLab(raw: unknown, registry: LabRegistry): LabFile {
  const o = obj(raw, 'lab');
  if (o.format !== 1) throw new Refused('wrong_format', 'format');
  const labId = id(o.id, 'id');
  const title = text(o.title, 'title');
  const summary = text(o.summary, 'summary');
  const objectives = list(o.objectives, 'objectives').map((x, i) => text(x, `objectives[${i}]`));
  if (typeof o.preset !== 'string' || !registry.presets.has(o.preset)) throw new Refused('unknown_preset', 'preset');
  const roles = list(o.roles, 'roles').map((x, i): LabRole => {
    const r = obj(x, `roles[${i}]`);
    if (!isPartyKind(r.kind)) throw new Refused('unknown_kind', `roles[${i}].kind`);
    if (typeof r.party !== 'string' || r.party.length === 0) throw new Refused('bad_id', `roles[${i}].party`);
    return { id: id(r.id, `roles[${i}].id`), party: r.party, kind: r.kind, name: text(r.name, `roles[${i}].name`) };
  });
  unique(roles.map((r) => r.id), 'roles');
  const roleIds = new Set(roles.map((r) => r.id));
  const steps = list(o.steps, 'steps').map((x, i): LabStep => {
    const s = obj(x, `steps[${i}]`);
    const where = `steps[${i}]`;
    if (typeof s.role !== 'string' || !roleIds.has(s.role)) throw new Refused('unknown_role', `${where}.role`);
    if (typeof s.check !== 'string' || !registry.checks.has(s.check)) throw new Refused('unknown_check', `${where}.check`);
    const pages = list(s.pages, `${where}.pages`).map((p, j) => {
      if (typeof p !== 'string' || !registry.pages.has(p)) throw new Refused('unknown_page', `${where}.pages[${j}]`);
      return p;
    });
    const commands = list(s.commands ?? [], `${where}.commands`, true).map((c, j) => {
      if (typeof c !== 'string' || c.length === 0) throw new Refused('bad_id', `${where}.commands[${j}]`);
      return c;
    });
    return { id: id(s.id, `${where}.id`), role: s.role, text: text(s.text, `${where}.text`), hint: text(s.hint, `${where}.hint`), pages, check: s.check, commands };
  });
  unique(steps.map((s) => s.id), 'steps');
  for (const [i, r] of roles.entries()) if (!steps.some((s) => s.role === r.id)) throw new Refused('role_without_steps', `roles[${i}]`);
  const questions = list(o.questions, 'questions', true).map((x, i): LabQuestion => {
    const q = obj(x, `questions[${i}]`);
    const where = `questions[${i}]`;
    if (typeof q.query !== 'string' || !registry.queries.has(q.query)) throw new Refused('unknown_query', `${where}.query`);
    if (!(answerKinds as readonly unknown[]).includes(q.answer)) throw new Refused('unknown_answer_kind', `${where}.answer`);
    return { id: id(q.id, `${where}.id`), text: text(q.text, `${where}.text`), hint: text(q.hint, `${where}.hint`), query: q.query, answer: q.answer as AnswerKind };
  });
  unique(questions.map((q) => q.id), 'questions');
  return { format: 1, id: labId, title, summary, objectives, preset: o.preset, roles, steps, questions };
}

/**
 * Whether a student's answer is the world's: money as decimals at the fen ("6.87", "¥6.87",
 * "６.８７" all equal 6.87), text trimmed and compared without letter case or inner spaces.
 */
export function answerMatches(kind: AnswerKind, given: string, expected: string): boolean {
  if (kind === 'money') {
    // "6.870" is 6.87: zeros after the fen change no amount (parseMoney refuses a third decimal).
    const trimmed = given.normalize('NFKC').trim().replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    const a = parseMoney(trimmed, 'CNY');
    const b = parseMoney(expected, 'CNY');
    if (!a.ok || !b.ok) return false;
    return new Decimal(toStored(a.value).amount).equals(new Decimal(toStored(b.value).amount));
  }
  const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  return norm(given) !== '' && norm(given) === norm(expected);
}

/** The steps of one role, in the lab's order. */
export function stepsOf(lab: LabFile, roleId: string): LabStep[] {
  return lab.steps.filter((s) => s.role === roleId);
}
