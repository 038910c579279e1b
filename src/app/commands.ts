import type { CommandDefinition } from './pipeline.ts';
import { advanceClockCommand } from './clock.ts';
import { applyForBankAccountCommand, approveBankApplicationCommand, rejectBankApplicationCommand } from './banking/accounts.ts';
import { counterDepositCommand, counterWithdrawalCommand, giveCashCommand } from './banking/cash.ts';
import { onlineBankingTransferCommand } from './banking/transfers.ts';
import { completeOnlineBankingLoginCommand, logoutOnlineBankingCommand, startOnlineBankingLoginCommand } from './identity/banking-login.ts';
import { approveCardApplicationCommand, applyForCardCommand, rejectCardApplicationCommand, repayCardCommand } from './payments/cards.ts';
import { payOrderWithCommand } from './payments/checkout.ts';
import { collectCodCommand, refuseCodCommand } from './payments/channel-cod.ts';
import { matchRemittanceByHandCommand, matchRemittancesCommand, returnRemittanceCommand } from './payments/channel-remittance.ts';

// The registry of defined commands (docs/pipeline.md): replay finds a logged command by its name
// here. A plain object, no side-effect registration: a command is replayable exactly when it is
// listed. Jobs (`job:<kind>`) and `jobFailed` are found through the scheduler (replay.ts).

// Definitions are contravariant in their input: the registry holds them by name, any input.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandDefinition<any, unknown>;

export const commandRegistry: Readonly<Record<string, AnyCommand>> = {
  // the world clock
  advanceClock: advanceClockCommand,
  // banking: accounts, the counter's cash, online-banking transfers and the U盾 login
  applyForBankAccount: applyForBankAccountCommand,
  approveBankApplication: approveBankApplicationCommand,
  rejectBankApplication: rejectBankApplicationCommand,
  giveCash: giveCashCommand,
  counterDeposit: counterDepositCommand,
  counterWithdrawal: counterWithdrawalCommand,
  onlineBankingTransfer: onlineBankingTransferCommand,
  startOnlineBankingLogin: startOnlineBankingLoginCommand,
  completeOnlineBankingLogin: completeOnlineBankingLoginCommand,
  logoutOnlineBanking: logoutOnlineBankingCommand,
  // payments: checkout through the gateway, the card company, cash on delivery, remittance
  payOrderWith: payOrderWithCommand,
  applyForCard: applyForCardCommand,
  approveCardApplication: approveCardApplicationCommand,
  rejectCardApplication: rejectCardApplicationCommand,
  repayCard: repayCardCommand,
  collectCod: collectCodCommand,
  refuseCod: refuseCodCommand,
  matchRemittances: matchRemittancesCommand,
  matchRemittanceByHand: matchRemittanceByHandCommand,
  returnRemittance: returnRemittanceCommand,
};
