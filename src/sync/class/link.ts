// Which worlds of this browser are class worlds, and how to reach their class server (issue #20).
// Kept in localStorage (this device only, never in the world or a world file): every tab of the
// world reads it when it opens, to follow the class stream instead of acting on its own copy.
// Tiny on purpose: the world shell imports it; the NATS client loads only when a link exists.
import { isClassCode } from './subjects.ts';

/** A class world's server and login on this PC; the teacher's PC writes the snapshots. */
export type ClassLink = {
  readonly server: string;
  readonly code: string;
  readonly user: string;
  readonly pass: string;
  readonly role: 'teacher' | 'student';
};

const keyOf = (worldId: string) => `settlelab.class.${worldId}`;

export function classLinkOf(worldId: string): ClassLink | null {
  if (typeof localStorage === 'undefined') return null;
  const raw = localStorage.getItem(keyOf(worldId));
  if (raw === null) return null;
  let value: Partial<ClassLink>;
  try {
    value = JSON.parse(raw) as Partial<ClassLink>;
  } catch {
    return null;
  }
  const { server, code, user, pass, role } = value;
  if (typeof server !== 'string' || !isClassCode(code) || typeof user !== 'string' || typeof pass !== 'string' || (role !== 'teacher' && role !== 'student')) return null;
  return { server, code, user, pass, role };
}

export function rememberClassLink(worldId: string, link: ClassLink): void {
  localStorage.setItem(keyOf(worldId), JSON.stringify(link));
}

export function forgetClassLink(worldId: string): void {
  localStorage.removeItem(keyOf(worldId));
}
