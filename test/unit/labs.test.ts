import { describe, expect, it } from 'vitest';
import { answerMatches, validateLab } from '../../src/domain/labs/lab.ts';
import { labFiles, labRegistry, labs } from '../../src/app/labs/catalogue.ts';
import b2c from '../../src/labs/b2c-escrow.json';
import { labCardList, labFileOrder } from '../../src/labs/cards.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// Lab files are data a teacher may write: every shipped one validates against the checks, queries,
// presets and pages the app registered; a broken one is refused with the named reason and place.

describe('lab files', () => {
  it('every lab file of the catalogue validates', () => {
    expect(labFiles.length).toBeGreaterThan(0);
    for (const raw of labFiles) expect(validateLab(raw, labRegistry)).toMatchObject({ ok: true });
    expect(labs.map((l) => l.id)).toContain('b2c-escrow');
  });

  it("the start page's cards are every lab file's card fields, in the catalogue's order", () => {
    // A file in src/labs not named in labFileOrder would be in neither the catalogue nor its cards.
    const names = readdirSync(join(import.meta.dirname, '../../src/labs')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
    expect([...labFileOrder].sort()).toEqual(names.sort());
    expect(labCardList).toEqual(labs.map(({ id, title, summary, objectives, roles }) => ({ id, title, summary, objectives, roles })));
  });

  const broken = (change: (lab: Record<string, unknown>) => void) => {
    const copy = structuredClone(b2c) as unknown as Record<string, unknown>;
    change(copy);
    return validateLab(copy, labRegistry);
  };
  const steps = (lab: Record<string, unknown>) => lab.steps as Record<string, unknown>[];

  it.each([
    ['a step naming a check the app does not have', (l: Record<string, unknown>) => (steps(l)[1]!.check = 'order.teleported'), 'unknown_check', 'steps[1].check'],
    ['a question naming an unknown query', (l: Record<string, unknown>) => ((l.questions as Record<string, unknown>[])[0]!.query = 'nope'), 'unknown_query', 'questions[0].query'],
    ['a step without its Chinese text', (l: Record<string, unknown>) => (steps(l)[2]!.text = { en: 'Pick up', zh: ' ' }), 'missing_text', 'steps[2].text.zh'],
    ['a title without English', (l: Record<string, unknown>) => (l.title = { zh: '实验' }), 'missing_text', 'title.en'],
    ['a step for a role the lab does not have', (l: Record<string, unknown>) => (steps(l)[0]!.role = 'auditor'), 'unknown_role', 'steps[0].role'],
    ['a role of a kind that does not exist', (l: Record<string, unknown>) => ((l.roles as Record<string, unknown>[])[0]!.kind = 'wizard'), 'unknown_kind', 'roles[0].kind'],
    ['an unknown preset', (l: Record<string, unknown>) => (l.preset = 'empty'), 'unknown_preset', 'preset'],
    ['a page that does not exist', (l: Record<string, unknown>) => (steps(l)[0]!.pages = ['casino']), 'unknown_page', 'steps[0].pages[0]'],
    ['two steps with one id', (l: Record<string, unknown>) => (steps(l)[1]!.id = steps(l)[0]!.id), 'duplicate_id', 'steps[1].id'],
    ['a newer format', (l: Record<string, unknown>) => (l.format = 2), 'wrong_format', 'format'],
  ])('refuses %s, naming why and where', (_what, change, problem, where) => {
    expect(broken(change)).toEqual({ ok: false, code: 'lab_invalid', detail: { problem, where } });
  });

  it('refuses what is not a lab at all', () => {
    expect(validateLab('hello', labRegistry)).toMatchObject({ ok: false, detail: { problem: 'not_an_object', where: 'lab' } });
  });
});

describe('answers', () => {
  it('compares money as decimals, however it is typed', () => {
    for (const typed of ['6.87', '¥6.87', '6.870', ' 6.87 ', '６.８７', 'CN¥6.87']) expect(answerMatches('money', typed, '6.87'), typed).toBe(true);
    for (const typed of ['6.88', '687', '', 'six']) expect(answerMatches('money', typed, '6.87'), typed).toBe(false);
  });
  it('compares text without case or spaces', () => {
    expect(answerMatches('text', ' sd0000000001 ', 'SD0000000001')).toBe(true);
    expect(answerMatches('text', '', 'SD0000000001')).toBe(false);
    expect(answerMatches('text', 'SD0000000002', 'SD0000000001')).toBe(false);
  });
});
