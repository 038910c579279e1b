// E-cash (电子现金) with blind issuance: blind Schnorr signatures over the ed25519 group, one bank
// key per denomination, withdrawal (wallet and bank halves), coin checks, change planning,
// deposits with the spent-serials check, and the bank's views. The scheme: SCHEME.md. The group
// arithmetic (group.ts) stays internal: its short names (mod, baseTimes) are not domain vocabulary.
export * from './denominations.ts';
export * from './keys.ts';
export * from './coin.ts';
export * from './withdrawal-bank.ts';
export * from './withdrawal-user.ts';
export * from './deposit.ts';
export * from './change.ts';
