// The English catalog: the union of every feature's catalog. Keys are the source of truth; the
// zh-CN catalog must have the same keys (zh-CN.ts, type-checked) and no two features may share a key
// (test/unit/i18n.test.ts).
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

export const catalogs = [world, ledger, identity, banking, market, payments, echeque, ecash, teacher, names, reconciliation, mobile, diagram, guidance, classworld, labs] as const;

export const en = { ...world.en, ...ledger.en, ...identity.en, ...banking.en, ...market.en, ...payments.en, ...echeque.en, ...ecash.en, ...teacher.en, ...names.en, ...reconciliation.en, ...mobile.en, ...diagram.en, ...guidance.en, ...classworld.en, ...labs.en } as const;

export type MessageKey = keyof typeof en;
