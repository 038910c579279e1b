import { i18n, isMessageKey, t } from '../i18n/i18n.svelte.ts';

// A refused lab file in plain words: validateLab's problem (`unknown_check`) and its place in the
// file (`steps[1].check`) become "SettleLab has no check of that name, at step 2 › the check
// (“check”)" in the page's language; never the raw code.

/** The longest place a refusal names (a path deeper than a lab file has is shown cut). */
const placeSegmentsMax = 8;

export function labPlaceText(where: string): string {
  const parts = where.split('.').slice(0, placeSegmentsMax).map((segment) => {
    const m = /^([A-Za-z_]+)(?:\[(\d+)\])?$/.exec(segment);
    if (m === null) return t('labs.placeOther', { key: segment });
    const [, key, index] = m as unknown as [string, string, string | undefined];
    if (index !== undefined) {
      const item = `labs.placeItem.${key}`;
      return isMessageKey(item) ? t(item, { n: Number(index) + 1 }) : t('labs.placeOther', { key: segment });
    }
    const field = `labs.place.${key}`;
    return isMessageKey(field) ? t(field) : t('labs.placeOther', { key });
  });
  return parts.join(' › ');
}

/** The words of a lab file's refusal (loading it, or starting a world from it). */
export function labRefusalText(code: string, detail?: Record<string, string | number>): string {
  if (code !== 'lab_invalid' || detail === undefined) return i18n.error(code, detail);
  const problem = `labs.problem.${String(detail.problem)}`;
  return i18n.error('lab_invalid', { problem: isMessageKey(problem) ? t(problem) : t('error.lab_not_found'), where: labPlaceText(String(detail.where)) });
}
