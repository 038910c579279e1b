// The teacher's sign-in in this tab, as Svelte state. Like party logins it lives in this tab's memory
// only: nothing about it is written to IndexedDB, localStorage or a world file, so another tab (or
// another student at the same PC after a reload) must sign in itself.
//
// Contract used by the party shell (session.svelte.ts canAct): `playsEveryone(worldId)` is true when
// the teacher signed in in this tab and chose "teacher plays everyone", and `signedIn(worldId)` when
// the teacher signed in at all (lab tools, the institutions' password sheet). `token(worldId)` is
// the proof signing in gave (app/teacher.ts): lab commands refuse without it.

import type { TeacherToken } from '../../app/teacher.ts';

/** A tab signs in as the teacher of a handful of worlds at most. */
export const teacherWorldsMax = 64;

type TeacherTab = { readonly signedInAtMs: number; playsEveryone: boolean; readonly token: TeacherToken | null };

class TeacherSession {
  private worlds = $state<Record<string, TeacherTab>>({});

  signedIn(worldId: string): boolean {
    return this.worlds[worldId] !== undefined;
  }

  playsEveryone(worldId: string): boolean {
    return this.worlds[worldId]?.playsEveryone === true;
  }

  /** The token the teacher's sign-in gave this tab for the world, or null. */
  token(worldId: string): TeacherToken | null {
    return this.worlds[worldId]?.token ?? null;
  }

  /** Called by the teacher sign-in once the teacher's password was checked (with the token it gave). */
  enter(worldId: string, signedInAtMs: number, playsEveryone: boolean, token: TeacherToken | null = null): void {
    if (this.worlds[worldId] === undefined && Object.keys(this.worlds).length >= teacherWorldsMax) throw new Error(`at most ${teacherWorldsMax} teacher sign-ins per tab`);
    this.worlds[worldId] = { signedInAtMs, playsEveryone, token };
  }

  setPlaysEveryone(worldId: string, on: boolean): void {
    const entry = this.worlds[worldId];
    if (entry !== undefined) entry.playsEveryone = on;
  }

  leave(worldId: string): void {
    delete this.worlds[worldId];
  }
}

export const teacherSession = new TeacherSession();
