import type { BenchCase } from './cases.ts';
import { ledgerCases } from './ledger-cases.ts';
import { identityCases } from './identity-cases.ts';
import { reconCases } from './recon-cases.ts';
import { reconDeskCases } from './recon-desk-cases.ts';
import { exportCases } from './export-cases.ts';
import { pipelineCases } from './pipeline-cases.ts';
import { labCases } from './lab-cases.ts';
import { openCases } from './open-cases.ts';
import { statementCases } from './statement-cases.ts';

/** Every benchmark case, in the order the table lists them. */
export const benchCases: readonly BenchCase[] = [...ledgerCases, ...identityCases, ...reconCases, ...reconDeskCases, ...exportCases, ...pipelineCases, ...labCases, ...openCases, ...statementCases];
