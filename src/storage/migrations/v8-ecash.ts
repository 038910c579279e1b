import type { Migration } from './migration.ts';

// E-cash and the e-wallet (issue 8). Never edit once shipped: add a new version instead.
//   ecashBankSecrets: each bank's 32-byte e-cash key seed (its "HSM": the bank derives one signing key per
//     denomination from it). Only the bank's own commands read it.
//   ecashKeys: the published keys (public key per bank and denomination), by keyId and by bank.
//   ecashSessions: the bank's blind signing sessions (what it saw at withdrawal); `[keyId+status]` finds
//     the open session of a key (at most one: ROS mitigation, SCHEME.md).
//   ecashSpent: the bank's spent-serials list, one row per deposited coin (serial is the primary key, so
//     a second deposit of a serial can never be written twice); by depositId and by payee.
//   ecashWallets: one wallet per user: the wallet key sealed under the wallet password (PBKDF2 → AES-GCM).
//   ecashPurse: the wallet's coins, each ENCRYPTED under the wallet key; only the denomination and the
//     state are in clear (balance without unlocking); a withdrawal in progress is a row too.
//   ecashTill: coins a merchant was paid, held until it deposits them at the bank (id = merchant + serial:
//     a copied coin may sit in two merchants' tills; only the bank's list tells which deposit is second).
//   walletTransactions: the e-wallet's transaction recorder, by owner and time.
//   smartCardScheme: the Mondex scheme's CA (root certificate, its seed, next serial, revoked cards).
//   smartCardSecrets: the chips' and devices' signing seeds by keyRef (inside the simulated hardware).
//   smartCards / merchantDevices: the chips' and the merchant devices' records (balances, pending logs).
//   mondexDeposits: the acquirers' deposited payments, key `card#sequence`, so none is credited twice.
//   storedValueIssuers / storedValueCards / storedValueTxns: 一卡通 schemes, cards and card statements.
//   recurringBills: small recurring bills paid from a stored-value card by the scheduler.
export const v8Ecash: Migration = {
  version: 8,
  stores: {
    ecashBankSecrets: 'bankId',
    ecashKeys: 'keyId, bankId',
    ecashSessions: 'sessionId, bankId, [keyId+status], account',
    ecashSpent: 'serial, depositId, bankId, payee',
    ecashWallets: 'ownerId',
    ecashPurse: 'id, ownerId, [ownerId+state]',
    ecashTill: 'id, merchantId, [merchantId+status]',
    walletTransactions: 'id, walletId, [walletId+at]',
    smartCardScheme: 'id',
    smartCardSecrets: 'keyRef',
    smartCards: 'cardId, holderId, issuerId',
    merchantDevices: 'deviceId, merchantId',
    mondexDeposits: 'key, depositId, deviceId',
    storedValueIssuers: 'issuerId',
    storedValueCards: 'cardId, holderId, issuerId',
    storedValueTxns: 'id, cardId, merchantId',
    recurringBills: 'billId, cardId',
  },
};
