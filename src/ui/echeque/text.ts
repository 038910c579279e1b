import { isMessageKey, i18n, t } from '../i18n/i18n.svelte.ts';
import type { Party } from '../../domain/index.ts';
import { partyNameOf } from '../names.ts';

// How e-cheque codes read on screen: return reasons, statuses, check names and the checks' causes.

export function reasonText(reason: string): string {
  const key = `echeque.return.${reason}`;
  return isMessageKey(key) ? t(key) : reason;
}

export function statusText(status: string): string {
  const key = `echeque.status.${status}`;
  return isMessageKey(key) ? t(key) : status;
}

export function checkText(check: string): string {
  const key = `echeque.check.${check}`;
  return isMessageKey(key) ? t(key) : check;
}

/**
 * A check's cause: the cheque's own words, or the verifier's (identity catalog); a cause no catalog
 * names (a newer version's) still reads in words, never as its code.
 */
export function causeText(cause: string): string {
  const key = `echeque.cause.${cause}`;
  if (isMessageKey(key)) return t(key);
  const reason = `echeque.return.${cause}`;
  if (isMessageKey(reason)) return t(reason);
  return isMessageKey(`error.${cause}`) ? i18n.error(cause) : t('echeque.cause.other');
}

/** The one naming rule (src/ui/names.ts), in this tab's language. */
export function partyName(parties: ReadonlyMap<string, Party>, id: string): string {
  return partyNameOf(parties, id, i18n.locale);
}
