import type { CommandDefinition } from './pipeline.ts';
import { advanceClockCommand } from './clock.ts';
import { jobCommand, jobFailedCommand } from './scheduler.ts';
import { addToCartCommand, removeFromCartCommand, setCartQuantityCommand } from './market/cart.ts';
import { agreeRefundCommand, arbitrateCommand, cancelOrderCommand, cancelRefundCommand, payOrderCommand, placeOrdersCommand, refuseRefundCommand, requestRefundCommand, retryParkedOrderJobCommand, reviewOrderCommand } from './market/orders.ts';
import { bookShipmentCommand, pickUpShipmentCommand, postTrackingCommand } from './market/shipping.ts';
import { confirmReceiptCommand } from './market/receipt.ts';
import { topUpWalletCommand, withdrawFromWalletCommand } from './market/wallet.ts';
import { listProductCommand, restockCommand, setListedCommand } from './market/products.ts';
import { activateAccountCommand, registerCommand, resendActivationCodeCommand } from './identity/registration.ts';
import { changePasswordAttemptCommand, changePasswordCommand, loginCommand, logoutCommand } from './identity/login.ts';
import { applyForStoreCommand, decideStoreCommand } from './identity/stores.ts';
import { applyForCertificateCommand, issueCertificateCommand, rejectCertificateRequestCommand } from './identity/ca.ts';
import { applyForBankAccountCommand, approveBankApplicationCommand, rejectBankApplicationCommand } from './banking/accounts.ts';
import { counterDepositCommand, counterWithdrawalCommand, giveCashCommand } from './banking/cash.ts';
import { onlineBankingTransferCommand } from './banking/transfers.ts';
import { completeOnlineBankingLoginCommand, logoutOnlineBankingCommand, startOnlineBankingLoginCommand } from './identity/banking-login.ts';
import { approveCardApplicationCommand, applyForCardCommand, rejectCardApplicationCommand, repayCardCommand } from './payments/cards.ts';
import { payOrderWithCommand } from './payments/checkout.ts';
import { collectCodCommand, refuseCodCommand } from './payments/channel-cod.ts';
import { matchRemittanceByHandCommand, matchRemittancesCommand, returnRemittanceCommand } from './payments/channel-remittance.ts';
import { enableChequeAccountCommand, issueChequebookCommand } from './echeque/chequebooks.ts';
import { writeChequeCommand } from './echeque/write.ts';
import { depositChequeCommand, endorseChequeCommand, labAlterChequeAmountCommand, verifyChequeCommand } from './echeque/payee.ts';
import { decidePresentmentCommand, presentChequeCommand } from './echeque/presentment.ts';
import { stopChequeCommand } from './echeque/stop.ts';
import { ecashCreateWalletCommand } from './ecash/wallet.ts';
import { ecashAbandonCommand, ecashOpenSessionCommand, ecashSignBlindedCommand, ecashStoreCoinCommand } from './ecash/withdraw.ts';
import { ecashDepositCommand, ecashPayBackCommand, ecashPayCommand } from './ecash/spend.ts';
import { ecashPayOrderFromWalletCommand, ecashRemoveCardCommand, ecashSaveCardCommand } from './ecash/wallet-cards.ts';
import { smartCardDepositCommand, smartCardIssueCommand, smartCardLoadCommand, smartCardLostCommand, smartCardPayCommand, smartCardRecoverCommand, smartCardRegisterDeviceCommand } from './smartcard/smartcard.ts';
import { renewCertificateCommand, revokeCertificateCommand } from './identity/ca.ts';
import { fillDemoCatalogueCommand, updateProductCommand } from './market/products.ts';
import { setCommissionRatesCommand, setMarketRulesCommand } from './market/config.ts';
import { storedValueAddBillCommand, storedValueIssueCommand, storedValueJoinCommand, storedValuePayCommand, storedValueSettleCommand, storedValueTopUpCommand } from './storedvalue/storedvalue.ts';
import { markMailReadCommand } from './mailbox.ts';
import { scheduleNoticeCommand } from './notices.ts';
import { answerLabQuestionCommand } from './labs/report.ts';
import { rememberLabFileCommand } from './labs/lab-file-command.ts';
import { mobileChargeCodeCommand, mobileConfirmCommand, mobileDeclineCommand, mobileOpenWalletCommand, mobilePayMerchantCommand, mobilePinWrongCommand, mobileSetFreeLimitCommand, mobileSetPinCommand } from './mobile/mobile.ts';
import { reconcileDayCommand, resolveDifferenceCommand } from './reconciliation/desk.ts';
import { reconLabArmCommand, reconLabCutoffCommand, reconLabFeeCommand, reconLabImportCommand } from './reconciliation/lab.ts';
import { labOpenAccountCommand, labTamperEntryCommand, labTransferCommand, openAccountCommand } from './ledger.ts';
import { recordAuditCommand } from './identity/audit.ts';
import { drawTrialBalanceCommand, recordLedgerVerifyCommand } from './ledger-audit.ts';

// The registry of defined commands (docs/pipeline.md): replay finds a logged command by its name
// here. A plain object, no side-effect registration: a command is replayable exactly when it is
// listed. Jobs (`job:<kind>`) are found through the scheduler's job kinds (jobCommand), which the
// feature modules register when they load (features.ts; replay.ts imports it).

// Definitions are contravariant in their input: the registry holds them by name, any input.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandDefinition<any, unknown>;

const registered = {
  // the world clock
  advanceClock: advanceClockCommand,
  // the scheduler: a failed attempt written on its job row
  jobFailed: jobFailedCommand,
  // the market: cart, checkout, escrow payment, shipping, receipt, refunds and disputes, reviews
  addToCart: addToCartCommand,
  setCartQuantity: setCartQuantityCommand,
  removeFromCart: removeFromCartCommand,
  placeOrders: placeOrdersCommand,
  payOrder: payOrderCommand,
  cancelOrder: cancelOrderCommand,
  bookShipment: bookShipmentCommand,
  pickUpShipment: pickUpShipmentCommand,
  postTracking: postTrackingCommand,
  confirmReceipt: confirmReceiptCommand,
  requestRefund: requestRefundCommand,
  cancelRefund: cancelRefundCommand,
  agreeRefund: agreeRefundCommand,
  refuseRefund: refuseRefundCommand,
  arbitrate: arbitrateCommand,
  reviewOrder: reviewOrderCommand,
  retryParkedOrderJob: retryParkedOrderJobCommand,
  // the escrow wallet: top-up and withdrawal through the banks
  topUpWallet: topUpWalletCommand,
  withdrawFromWallet: withdrawFromWalletCommand,
  listProduct: listProductCommand,
  setListed: setListedCommand,
  restock: restockCommand,
  // identity: registration and activation, password attempts, stores, certificates (prepared inputs)
  register: registerCommand,
  activateAccount: activateAccountCommand,
  resendActivationCode: resendActivationCodeCommand,
  login: loginCommand,
  changePasswordAttempt: changePasswordAttemptCommand,
  changePassword: changePasswordCommand,
  logout: logoutCommand,
  applyForStore: applyForStoreCommand,
  decideStore: decideStoreCommand,
  applyForCertificate: applyForCertificateCommand,
  issueCertificate: issueCertificateCommand,
  rejectCertificateRequest: rejectCertificateRequestCommand,
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
  // e-cheques: cheque accounts and books, writing (signed in the tab), the payee's checklist,
  // endorsement and deposit, presentment and the paying bank's decision, stop orders, the lab's
  // altered amount (the teacher's check in the wrapper)
  enableChequeAccount: enableChequeAccountCommand,
  issueChequebook: issueChequebookCommand,
  writeCheque: writeChequeCommand,
  verifyCheque: verifyChequeCommand,
  endorseCheque: endorseChequeCommand,
  depositCheque: depositChequeCommand,
  presentCheque: presentChequeCommand,
  decidePresentment: decidePresentmentCommand,
  stopCheque: stopChequeCommand,
  labAlterChequeAmount: labAlterChequeAmountCommand,
  // e-cash: the wallet (its key sealed in the tab), blind withdrawal (the bank's nonce randomness and
  // the wallet's sealed state made by the tab; the banks' keys seeded at genesis), paying, the
  // merchant's deposit (double spends refused), paying back; saved cards paying orders
  'ecash.createWallet': ecashCreateWalletCommand,
  'ecash.openSession': ecashOpenSessionCommand,
  'ecash.signBlinded': ecashSignBlindedCommand,
  'ecash.storeCoin': ecashStoreCoinCommand,
  'ecash.abandon': ecashAbandonCommand,
  'ecash.pay': ecashPayCommand,
  'ecash.deposit': ecashDepositCommand,
  'ecash.payBack': ecashPayBackCommand,
  'ecash.saveCard': ecashSaveCardCommand,
  'ecash.removeCard': ecashRemoveCardCommand,
  'ecash.payOrderFromWallet': ecashPayOrderFromWalletCommand,
  // Mondex smart cards: cards and devices (keys derived from the world's seeded secret), load, the
  // card-device exchange (the device's nonce derived from the command id), recovery, deposit, loss
  'smartcard.issue': smartCardIssueCommand,
  'smartcard.registerDevice': smartCardRegisterDeviceCommand,
  'smartcard.load': smartCardLoadCommand,
  'smartcard.pay': smartCardPayCommand,
  'smartcard.recover': smartCardRecoverCommand,
  'smartcard.deposit': smartCardDepositCommand,
  'smartcard.lost': smartCardLostCommand,
  // mobile payment: the phone wallet (its TOTP secret drawn by the tab), the PIN (hashed in the
  // tab; a wrong one counted), the small-amount limit, the cashier's charge, confirm and decline,
  // paying a merchant's code
  'mobile.openWallet': mobileOpenWalletCommand,
  'mobile.setPin': mobileSetPinCommand,
  'mobile.setFreeLimit': mobileSetFreeLimitCommand,
  'mobile.chargeCode': mobileChargeCodeCommand,
  'mobile.pinWrong': mobilePinWrongCommand,
  'mobile.confirm': mobileConfirmCommand,
  'mobile.decline': mobileDeclineCommand,
  'mobile.payMerchant': mobilePayMerchantCommand,
  // reconciliation: the desk's match of a day (a worker's match saved if the log did not move
  // since its reads began) and the clerk's actions; the lab's faults (teacher's check in the wrapper)
  reconcileDay: reconcileDayCommand,
  resolveDifference: resolveDifferenceCommand,
  reconLabArm: reconLabArmCommand,
  reconLabFee: reconLabFeeCommand,
  reconLabCutoff: reconLabCutoffCommand,
  reconLabImport: reconLabImportCommand,
  // the ledger: opening an account; the teacher's lab tools (the teacher's check in the wrapper)
  openAccount: openAccountCommand,
  labOpenAccount: labOpenAccountCommand,
  labTransfer: labTransferCommand,
  labTamperEntry: labTamperEntryCommand,
  // the auditor's audit recorded (its counts; the audit ran in the tab)
  recordAudit: recordAuditCommand,
  // the auditor's trial balance (computed inside) and journal verify (run in the tab, re-checked inside)
  drawTrialBalance: drawTrialBalanceCommand,
  recordLedgerVerify: recordLedgerVerifyCommand,
  // certificates: revocation and renewal (the list and the new certificate signed by the CA's tab
  // for the serial and world time it read, re-checked inside)
  revokeCertificate: revokeCertificateCommand,
  renewCertificate: renewCertificateCommand,
  // the seller's products and the operator's settings (the teacher's sign-in checked in the wrapper)
  updateProduct: updateProductCommand,
  fillDemoCatalogue: fillDemoCatalogueCommand,
  setCommissionRates: setCommissionRatesCommand,
  setMarketRules: setMarketRulesCommand,
  // the stored-value card (一卡通): merchants joining, cards, top-ups, payments, settlement, bills
  'storedvalue.join': storedValueJoinCommand,
  'storedvalue.issue': storedValueIssueCommand,
  'storedvalue.topUp': storedValueTopUpCommand,
  'storedvalue.pay': storedValuePayCommand,
  'storedvalue.settle': storedValueSettleCommand,
  'storedvalue.addBill': storedValueAddBillCommand,
  // the mailbox, scheduled notices, a lab question answered
  markMailRead: markMailReadCommand,
  scheduleNotice: scheduleNoticeCommand,
  answerLabQuestion: answerLabQuestionCommand,
  rememberLabFile: rememberLabFileCommand,
} as const satisfies Readonly<Record<string, AnyCommand>>;

export const commandRegistry: Readonly<Record<string, AnyCommand>> = registered;

/** Every registered command, by name, with its definition's own types (its input, value and codes). */
export type RegisteredCommands = typeof registered;

/** The command a log row names: a registered one, or a job kind's `job:<kind>`. */
export function commandByName(name: string): AnyCommand | undefined {
  if (Object.hasOwn(commandRegistry, name)) return commandRegistry[name];
  if (name.startsWith('job:')) return jobCommand(name.slice('job:'.length));
  return undefined;
}
