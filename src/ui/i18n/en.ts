// The English catalog: the union of every feature's catalog. Keys are the source of truth; the
// zh-CN catalog must have the same keys (zh-CN.ts, type-checked) and no two features may share a key
// (test/unit/i18n.test.ts).
import * as world from './catalogs/world.ts';
import * as ledger from './catalogs/ledger.ts';

export const catalogs = [world, ledger] as const;

export const en = { ...world.en, ...ledger.en } as const;

export type MessageKey = keyof typeof en;
