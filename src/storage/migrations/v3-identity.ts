import type { Migration } from './migration.ts';

// Identities (issue 4). Never edit once shipped: add a new version instead.
//   users: one login per party (buyers, sellers and the seeded institutions). `&loginNameKey` makes
//     a login name unique in the world (normalized: NFKC, lower-case), so two tabs registering the
//     same name at once cannot both win; `status` lists accounts waiting for activation.
//   partyKeys: each party's Ed25519 public key and its private key sealed under the password.
//   mailbox: every party's in-world mail, paged newest first per recipient by [to+at].
//   stores: a seller's store; the operator's queue is `status`; one store per seller (&sellerId).
//   certificates: by serial (the CA's numbering and what revocation names), by holder, and by
//     fingerprint (what a viewer shows and a verifier reports).
//   certificateRequests: the CA's queue by `status`; a party's own requests by `partyId`.
//   bankChallenges: online-banking nonces a bank issued, by nonce (the id).
//   bankSessions: online-banking sessions; [bankId+partyId+openedAt] finds a customer's latest.
//   labSheet: the seeded institutions' first passwords, for the teacher's handout.
export const v3Identity: Migration = {
  version: 3,
  stores: {
    users: 'partyId, &loginNameKey, status',
    partyKeys: 'partyId, &keyId',
    mailbox: '++id, [to+at]',
    stores: 'id, &sellerId, status',
    certificates: 'serial, partyId, fingerprint',
    certificateRequests: 'id, status, partyId',
    bankChallenges: 'id',
    bankSessions: 'id, [bankId+partyId+openedAt]',
    labSheet: 'partyId',
  },
};
