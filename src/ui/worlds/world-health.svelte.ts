import { sweepUnlistedWorlds, worldHealth, type WorldHealth } from '../../app/world-build.ts';
import { worldsMax } from '../../app/world-list.ts';
import type { WorldEntry } from '../../storage/registry.ts';
import type { WorldArea } from '../../storage/world-shape.ts';
import type { MessageKey } from '../i18n/en.ts';

// The start page's view of each world's health (world-build.ts): a world whose database is missing
// or damaged is listed as such, with repair and delete, instead of crashing when opened.

let sweeping: Promise<{ finished: number; removed: number }> | undefined;

/** Once per tab, at start: finish or remove what an interrupted create, reset, import or delete
 * left behind. Every caller waits for the same sweep. A failure (no IndexedDB) is reported by the
 * registry's own open, so it counts as nothing swept here. */
export function sweepOnce(): Promise<{ finished: number; removed: number }> {
  sweeping ??= sweepUnlistedWorlds(worldsMax).catch(() => ({ finished: 0, removed: 0 }));
  return sweeping;
}

export class WorldHealthList {
  /** By world id; a world not checked yet counts as whole. */
  health = $state<Record<string, WorldHealth>>({});

  of(id: string): WorldHealth {
    return this.health[id] ?? 'ok';
  }

  /** Checks the worlds one by one (each opens its database), after the start-up sweep. */
  async check(entries: readonly WorldEntry[]): Promise<void> {
    await sweepOnce();
    for (const entry of entries) await this.recheck(entry);
  }

  async recheck(entry: WorldEntry): Promise<void> {
    const h = await worldHealth(entry).catch((): WorldHealth => 'damaged');
    this.health = { ...this.health, [entry.id]: h };
  }
}

const areaKeys: Readonly<Record<WorldArea, MessageKey>> = {
  world: 'worlds.area.world',
  ledger: 'worlds.area.ledger',
  identity: 'worlds.area.identity',
  banking: 'worlds.area.banking',
  market: 'worlds.area.market',
  payments: 'worlds.area.payments',
  echeque: 'worlds.area.echeque',
  ecash: 'worlds.area.ecash',
};

/** The message key naming a part of a world (a world check's detail.area), or undefined. */
export function areaKey(area: unknown): MessageKey | undefined {
  return typeof area === 'string' && Object.prototype.hasOwnProperty.call(areaKeys, area) ? areaKeys[area as WorldArea] : undefined;
}
