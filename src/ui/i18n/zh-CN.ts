import type { MessageKey } from './en.ts';
import * as world from './catalogs/world.ts';
import * as ledger from './catalogs/ledger.ts';

// 简体中文目录：各功能目录的合集，键与 en.ts 完全相同（类型检查保证）。
export const zhCN: Record<MessageKey, string> = { ...world.zh, ...ledger.zh };
