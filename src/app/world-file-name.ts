import type { WorldEntry } from '../storage/registry.ts';

export function worldFileName(entry: WorldEntry): string {
  const safe = entry.name.replace(/[\\/:*?"<>|\s]+/g, '-').slice(0, 40) || 'world';
  return `settlelab-${safe}.settlelab.json`;
}
