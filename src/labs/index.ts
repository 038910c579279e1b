import type { LabFile } from '../domain/labs/lab.ts';
import b2cEscrow from './b2c-escrow.json';
import certificate from './certificate.json';
import onlineBanking from './online-banking.json';
import refundDispute from './refund-dispute.json';
import reconciliation from './reconciliation.json';
import echeque from './echeque.json';
import cod from './cod.json';
import remittance from './remittance.json';
import auditor from './auditor.json';
import cards from './cards.json';
import ecash from './ecash.json';
import smartcard from './smartcard.json';

// The lab files of the catalogue, as data. Each is checked against the app's checks, queries,
// presets and pages by src/app/labs/catalogue.ts (and its unit test); the start page shows them
// from here without loading the app code that runs them. A new lab: a file here (docs/labs.md).
export const labFileList: readonly LabFile[] = [
  b2cEscrow as LabFile,
  certificate as LabFile,
  onlineBanking as LabFile,
  refundDispute as LabFile,
  reconciliation as LabFile,
  echeque as LabFile,
  cod as LabFile,
  remittance as LabFile,
  auditor as LabFile,
  cards as LabFile,
  ecash as LabFile,
  smartcard as LabFile,
];
