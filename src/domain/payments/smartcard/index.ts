// Mondex-style smart cards (智能卡): card and merchant-device records, the signed value-transfer
// protocol with mutual authentication, pending logs and replay refusal, recovery after an
// interrupted transfer, loading from a bank account, deposit of takings at the acquirer, and the
// conservation breakdown (value on cards + on devices + in flight).
export * from './records.ts';
export * from './messages.ts';
export * from './auth.ts';
export * from './payment.ts';
export * from './recovery.ts';
export * from './funds.ts';
export * from './conservation.ts';
