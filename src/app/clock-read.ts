import { assert } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';

export const clockKey = 'clock';

/** World time, read inside whatever transaction is current. */
export async function readClock(db: WorldDb): Promise<number> {
  const row = await db.meta.get(clockKey);
  assert(row && typeof row.value === 'number', 'every world has a clock');
  return row.value;
}
