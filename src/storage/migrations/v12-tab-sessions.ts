import type { Migration } from './migration.ts';

// Online-banking sessions belong to a tab (its key ring), never to the world: v12 empties the
// bankSessions table that v3-v10 wrote them to, so no stored row can stand for a session, none
// survives a logout or a restart, and no exported world file carries one. The table itself stays
// (shipped versions are never edited). Each session's signed U盾 response is evidence the signature
// audit re-checks, so it is first copied onto the answered challenge it belongs to.

/** Rows copied per pass: an old world holds a few sessions per customer. */
const upgradeBatchRows = 500;

type LegacySession = { readonly id: string; readonly response: unknown };

export const v12TabSessions: Migration = {
  version: 12,
  stores: {},
  upgrade: async (tx) => {
    const sessions = tx.table<LegacySession, string>('bankSessions');
    const challenges = tx.table<{ id: string; response?: unknown }, string>('bankChallenges');
    for (;;) {
      const batch = await sessions.limit(upgradeBatchRows).toArray();
      if (batch.length === 0) break;
      for (const s of batch) {
        const challenge = await challenges.get(s.id);
        if (challenge !== undefined && challenge.response === undefined) await challenges.put({ ...challenge, response: s.response });
      }
      await sessions.bulkDelete(batch.map((s) => s.id));
    }
  },
};
