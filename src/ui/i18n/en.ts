// The English catalog: the union of every feature's catalog. Keys are the source of truth; the
// zh-CN catalog must have the same keys (zh-CN.ts, type-checked) and no two features may share a key
// (test/unit/i18n.test.ts).
import * as world from './catalogs/world.ts';

export const catalogs = [world] as const;

export const en = { ...world.en } as const;

export type MessageKey = keyof typeof en;
