import { isMessageKey, t } from '../i18n/i18n.svelte.ts';
import type { Charge } from '../../domain/index.ts';

// Plain words for the gateway's codes: a channel, a status, and why a charge failed.

export function channelText(id: string): string {
  const key = `payments.channel.${id}`;
  return isMessageKey(key) ? t(key) : id;
}

export function statusText(status: Charge['status']): string {
  return t(`payments.status.${status}`);
}

export function reasonText(reason: string | null): string {
  if (reason === null) return '';
  const key = `payments.reason.${reason}`;
  if (isMessageKey(key)) return t(key);
  // A returned e-cheque's charge fails with the cheque's return reason (stopped, stale-dated...).
  const chequeKey = `echeque.return.${reason}`;
  return isMessageKey(chequeKey) ? t(chequeKey) : reason;
}
