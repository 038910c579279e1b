// The payment gateway (Ping++ style): one charge object and one channel interface for every way of
// paying; the effects every channel module describes its money movements with.
export * from './effects.ts';
export * from './charge.ts';
export * from './channel.ts';
export * from './gateway.ts';
