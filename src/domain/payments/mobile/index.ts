// Mobile payment (手机支付, issue #17): TOTP payment codes, the PIN and small-amount rules, and the
// merchant's static code. Pure; world time and the wallet's random secret are passed in.
export * from './totp.ts';
export * from './wallet.ts';
