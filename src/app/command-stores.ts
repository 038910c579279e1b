// The tables (besides the pipeline's own: commands, meta, events, jobs, commandLog) that the hot
// commands touch, declared so IndexedDB locks only these (issue #19 item 1): a payment no longer
// waits for a transaction over all ~60 stores, and commands on other stores run alongside. A table
// touched but not declared is an assertion naming the command (runCommand), so the tests that run
// each command find a missing one.

/** Money: the ledger's accounts and transfers, and the hash-chained journal's blocks. */
export const ledgerStores = ['accounts', 'transfers', 'journalBlocks'] as const;

/** An order's step (stepOrder): the order, its stock, its money trail and mail, reviews. */
export const orderStepStores = [...ledgerStores, 'orders', 'products', 'orderEntries', 'mailbox', 'reviews', 'parties'] as const;

/**
 * An order step that may move a charge through its channel (the gateway's hook after the step):
 * shipping captures a two-phase card charge's hold (the card, its acquirer's batch, the channel's
 * trade row for reconciliation, and the reconciliation lab's armed faults on callbacks).
 */
export const chargeCaptureStores = ['charges', 'cards', 'acquiringBatches', 'channelTrades', 'reconLab', 'walletTransactions', 'bankAccounts', 'bankTransfers'] as const;

/** An online-banking session checked inside a command (sessionInTx): the certificate and its bank account. */
export const bankingSessionStores = ['certificates', 'bankAccounts', 'users', 'partyKeys'] as const;

/** A transfer between bank accounts (postBankTransfer): both banks' accounts, the transfer's row. */
export const bankTransferStores = [...ledgerStores, 'bankAccounts', 'bankTransfers'] as const;
