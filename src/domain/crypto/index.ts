// Crypto primitives for SettleLab: bytes and hex, SHA-256, RFC 8785 canonical JSON, Ed25519
// (sync noble and async WebCrypto with identical verdicts), and password-based key sealing.
export * from './bytes.ts';
export * from './hash.ts';
export * from './canonical.ts';
export * from './ed25519.ts';
export * from './webcrypto.ts';
export * from './seal.ts';
