// Remittance (汇款, issue 6 item 7): the offline channel, automatic matching of incoming transfers by
// reference and amount, and the exceptions queue.
export * from './channel.ts';
export * from './exceptions.ts';
export * from './match.ts';
