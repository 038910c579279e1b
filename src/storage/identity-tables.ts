import type { Table } from 'dexie';
import type {
  BankChallenge,
  Certificate,
  CertificateRequest,
  ChallengeResponse,
  Education,
  Gender,
  IncomeBracket,
  LoginState,
  PasswordHash,
  RevocationList,
  RevocationReason,
  Role,
  SealedPrivateKey,
} from '../domain/index.ts';
import type { WorldDb } from './schema.ts';

// Typed access to the identity tables (declared in migrations/v3-identity.ts). Rows are plain JSON:
// keys, hashes and signatures are hex strings, times are world time in ms. Nothing here ever holds
// a password or a private key in the clear, except the lab sheet's first institution passwords,
// which exist to be printed for the class and are dropped when the password is changed.

export type UserStatus = 'pending_activation' | 'active';

/** What a buyer or seller entered at registration (domain RegistrationData without the secrets). */
export type UserProfile = {
  readonly realName: string;
  readonly deliveryAddress: string;
  readonly deliveryPhone: string;
  readonly email: string;
  readonly idNumber: string | null;
  readonly gender: Gender | null;
  readonly education: Education | null;
  readonly birthDate: string | null;
  readonly income: IncomeBracket | null;
  readonly postcode: string | null;
};

export type ActivationState = {
  readonly code: string;
  readonly expiresAt: number;
  /** Wrong codes typed for this code; at activationWrongCodesMax the code is void. */
  readonly wrongCodes: number;
};

export type UserRow = {
  readonly partyId: string;
  /** As the user wrote it, for display. */
  readonly loginName: string;
  /** normalizeLoginName(loginName): unique in the world. */
  readonly loginNameKey: string;
  /** The role a certificate for this party names. */
  readonly role: Role;
  readonly institution: boolean;
  /** Null for seeded institutions, which do not register. */
  readonly profile: UserProfile | null;
  readonly passwordHash: PasswordHash;
  readonly status: UserStatus;
  /** Set while the account waits for activation. */
  readonly activation: ActivationState | null;
  readonly login: LoginState;
  readonly createdAt: number;
  readonly activatedAt: number | null;
  readonly passwordChangedAt: number | null;
};

export type PartyKeyRow = {
  readonly partyId: string;
  /** SHA-256 of the raw public key, hex (the key id certificates use). */
  readonly keyId: string;
  /** hex, 32 bytes */
  readonly publicKey: string;
  /** The Ed25519 seed, encrypted under a key derived from the party's password. */
  readonly sealed: SealedPrivateKey;
  readonly createdAt: number;
  readonly updatedAt: number;
};

/** A localized text: a message key and its parameters, so a mail reads in the reader's language. */
export type MailText = { readonly key: string; readonly params?: Readonly<Record<string, string | number>> };

export type MailRow = {
  readonly id?: number;
  readonly to: string;
  readonly from: string;
  readonly at: number;
  readonly subject: MailText;
  readonly body: MailText;
  /** What the mail is about (a request id, a serial), for links and tests. */
  readonly ref: string | null;
  readonly readAt: number | null;
};

export type StoreStatus = 'pending' | 'approved' | 'rejected';

export type StoreRow = {
  readonly id: string;
  readonly sellerId: string;
  readonly name: string;
  readonly description: string;
  readonly status: StoreStatus;
  /** The operator's reason when rejected. */
  readonly reason: string | null;
  readonly appliedAt: number;
  readonly decidedAt: number | null;
  readonly decidedBy: string | null;
};

export type RevocationNote = { readonly reason: RevocationReason; readonly at: number; readonly by: string };

export type CertificateRow = {
  readonly serial: number;
  readonly partyId: string;
  readonly fingerprint: string;
  readonly certificate: Certificate;
  readonly issuedAt: number;
  /** The request it answered (null for seeded certificates). */
  readonly requestId: string | null;
  /** The serial this certificate renewed, if any. */
  readonly renewedFrom: number | null;
  /** Mirrors the published revocation list, for listing; the signed list is what verifiers read. */
  readonly revoked: RevocationNote | null;
};

export type CertificateRequestStatus = 'pending' | 'issued' | 'rejected';

export type CertificateRequestRow = {
  readonly id: string;
  readonly partyId: string;
  readonly request: CertificateRequest;
  readonly status: CertificateRequestStatus;
  readonly submittedAt: number;
  readonly decidedAt: number | null;
  readonly decidedBy: string | null;
  /** The CA's reason when rejected. */
  readonly reason: string | null;
  /** The serial issued for it. */
  readonly serial: number | null;
};

export type BankChallengeStatus = 'open' | 'accepted' | 'refused';

export type BankChallengeRow = {
  /** The challenge's nonce (hex): a nonce is never issued twice. */
  readonly id: string;
  readonly bankId: string;
  readonly partyId: string;
  readonly challenge: BankChallenge;
  readonly status: BankChallengeStatus;
  /** The verifier's reason when refused. */
  readonly refusal: string | null;
  /** The signed response the bank accepted (kept for the signature audit; rows before v12 lack it). */
  readonly response?: ChallengeResponse;
};

/**
 * Legacy (schema v3-v10): online-banking sessions were rows here. Since v12 sessions live only in
 * the tab's key ring; v12 empties this table and nothing writes or reads it any more.
 */
export type BankSessionRow = {
  readonly id: string;
  readonly bankId: string;
  readonly partyId: string;
  readonly openedAt: number;
  readonly expiresAt: number;
  /** The certificate that opened it. */
  readonly serial: number;
  /** The signed challenge response: kept so an auditor can check every login again. */
  readonly response: ChallengeResponse;
  readonly closedAt: number | null;
};

export type LabSheetRow = {
  readonly partyId: string;
  readonly loginName: string;
  /** The first password, for the handout; null once the institution changed it. */
  readonly password: string | null;
  readonly changedAt: number | null;
};

export type IdentityTables = {
  users: Table<UserRow, string>;
  partyKeys: Table<PartyKeyRow, string>;
  mailbox: Table<MailRow, number>;
  stores: Table<StoreRow, string>;
  certificates: Table<CertificateRow, number>;
  certificateRequests: Table<CertificateRequestRow, string>;
  bankChallenges: Table<BankChallengeRow, string>;
  bankSessions: Table<BankSessionRow, string>;
  labSheet: Table<LabSheetRow, string>;
};

export function identityTables(db: WorldDb): IdentityTables {
  return {
    users: db.table('users'),
    partyKeys: db.table('partyKeys'),
    mailbox: db.table('mailbox'),
    stores: db.table('stores'),
    certificates: db.table('certificates'),
    certificateRequests: db.table('certificateRequests'),
    bankChallenges: db.table('bankChallenges'),
    bankSessions: db.table('bankSessions'),
    labSheet: db.table('labSheet'),
  };
}

// World-wide identity settings and trust, in the world's meta table.
export const identityMetaKeys = {
  /** PBKDF2 iterations for passwords set in this world (600,000 in the app; unit tests lower it). */
  passwordIterations: 'identity.passwordIterations',
  /** The trusted root certificates (the CA's self-signed root). */
  roots: 'identity.roots',
  /** The CA's current signed revocation list. */
  crl: 'identity.crl',
  /** The next certificate serial the CA gives out. */
  nextSerial: 'identity.nextSerial',
} as const;

export type IdentityTrust = { readonly roots: readonly Certificate[]; readonly crl: RevocationList };
