import type { Migration } from './migration.ts';

// Shipped with the world (issue 2). Never edit once shipped: add a new version instead.
export const v1World: Migration = {
  version: 1,
  stores: {
    meta: 'key',
    parties: 'id, kind',
    events: '++seq, at, type, actor, *parties',
    jobs: 'id, [status+dueAt], kind',
    commands: 'id',
  },
};
