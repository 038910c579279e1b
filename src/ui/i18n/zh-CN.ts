import type { MessageKey } from './en.ts';
import * as world from './catalogs/world.ts';
import * as ledger from './catalogs/ledger.ts';
import * as identity from './catalogs/identity.ts';
import * as banking from './catalogs/banking.ts';
import * as market from './catalogs/market.ts';
import * as payments from './catalogs/payments.ts';
import * as echeque from './catalogs/echeque.ts';
import * as ecash from './catalogs/ecash.ts';
import * as teacher from './catalogs/teacher.ts';
import * as names from './catalogs/names.ts';
import * as mobile from './catalogs/mobile.ts';
import * as reconciliation from './catalogs/reconciliation.ts';
import * as diagram from './catalogs/diagram.ts';
import * as labs from './catalogs/labs.ts';
import * as guidance from './catalogs/guidance.ts';
import * as classworld from './catalogs/classworld.ts';

// 简体中文目录：各功能目录的合集，键与 en.ts 完全相同（类型检查保证）。
export const zhCN: Record<MessageKey, string> = { ...world.zh, ...ledger.zh, ...identity.zh, ...banking.zh, ...market.zh, ...payments.zh, ...echeque.zh, ...ecash.zh, ...teacher.zh, ...names.zh, ...reconciliation.zh, ...mobile.zh, ...diagram.zh, ...guidance.zh, ...classworld.zh, ...labs.zh };
