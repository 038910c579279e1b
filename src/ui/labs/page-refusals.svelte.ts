import type { FailedAttempt } from '../../app/labs/progress.ts';

// What a page refused before any command ran: its own check of the form (a cheque for ¥0.00), or a
// step outside the pipeline (the U盾 has no certificate to sign the bank's challenge with). The
// commands table never records such a refusal, so latestFailure cannot show it in the lab panel.
// The page reports the outcome of each attempt at a step's command here (the refusal, or null once
// an attempt got through), and the lab panel shows it as it shows a recorded refusal. Like the
// page's own error line it lives in this tab's memory only: the attempt was made in this tab.

/** Refusals a tab keeps at once (one per world, party and command): past it the oldest is dropped. */
export const pageRefusalsMax = 256;

export type PageOutcome = { readonly code: string; readonly detail?: Readonly<Record<string, string | number>> | undefined } | null;

const keyOf = (worldId: string, partyId: string, name: string) => JSON.stringify([worldId, partyId, name]);

class PageRefusals {
  private byKey = $state<Record<string, FailedAttempt>>({});

  /** The outcome of `partyId`'s latest attempt at command `name`, at world time `at`. */
  report(worldId: string, partyId: string, name: string, outcome: PageOutcome, at: number): void {
    const key = keyOf(worldId, partyId, name);
    const { [key]: _previous, ...rest } = this.byKey;
    if (outcome === null) {
      this.byKey = rest;
      return;
    }
    const kept = Object.entries(rest).slice(-(pageRefusalsMax - 1));
    this.byKey = { ...Object.fromEntries(kept), [key]: { name, code: outcome.code, detail: outcome.detail, at } };
  }

  /** The newest refusal of one of `names` the party's pages reported at or after world time `sinceAt` (as latestFailure). */
  latest(worldId: string, partyId: string, names: readonly string[], sinceAt: number): FailedAttempt | null {
    let newest: FailedAttempt | null = null;
    for (const name of names) {
      const attempt = this.byKey[keyOf(worldId, partyId, name)];
      if (attempt !== undefined && attempt.at >= sinceAt && (newest === null || attempt.at >= newest.at)) newest = attempt;
    }
    return newest;
  }
}

export const pageRefusals = new PageRefusals();

/**
 * The refusal the panel shows: the later of the recorded one and the page's. World time often
 * stands still between commands, so on a tie the page's wins: it is this tab's latest attempt, and
 * an attempt the command refused is reported by the page too (with the same code).
 */
export function newerAttempt(recorded: FailedAttempt | null, page: FailedAttempt | null): FailedAttempt | null {
  if (page === null) return recorded;
  if (recorded === null) return page;
  return page.at >= recorded.at ? page : recorded;
}
