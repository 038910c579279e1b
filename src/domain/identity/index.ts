// Identities: registration, login lockout, activation codes, certificates and the CA,
// revocation, signed documents and the one verifier, and the online-banking challenge.
export * from './registration.ts';
export * from './id-number.ts';
export * from './lockout.ts';
export * from './activation.ts';
export * from './certificates.ts';
export * from './revocation.ts';
export * from './documents.ts';
export * from './verifier.ts';
export * from './challenge.ts';
