import type * as Worlds from '../../app/worlds.ts';
import type * as WorldFile from '../../app/world-file.ts';
import type * as LabWorld from '../../app/labs/lab-world.ts';
import type * as TeacherLabs from '../../app/labs/teacher-labs.ts';
import { loadAllMessages } from '../i18n/i18n.svelte.ts';

// The start page's actions that need code the list itself does not: every feature's seeder
// (creating, resetting and repairing a world run them; features.ts registers them) and the world
// file's export and import (dexie-export-import, hashing, the world check). Each loads on first
// use (issue #18: the start page parses only its own script); the service worker precaches them.

// Their refusals may be any feature's result codes, so every feature's words load with them.
async function seeded(): Promise<typeof Worlds> {
  const [worlds] = await Promise.all([import('../../app/worlds.ts'), import('../../app/features.ts'), loadAllMessages()]);
  return worlds;
}
async function labWorlds(): Promise<typeof LabWorld> {
  const [m] = await Promise.all([import('../../app/labs/lab-world.ts'), import('../../app/features.ts'), loadAllMessages()]);
  return m;
}
// Loading a teacher's lab file checks it against the app's checks, queries and presets.
async function teacherLabs(): Promise<typeof TeacherLabs> {
  const [m] = await Promise.all([import('../../app/labs/teacher-labs.ts'), loadAllMessages()]);
  return m;
}
async function file(): Promise<typeof WorldFile> {
  const [m] = await Promise.all([import('../../app/world-file.ts'), loadAllMessages()]);
  return m;
}

// Renaming and deleting need no seeders, only worlds.ts (and the words of their refusals).
async function worlds(): Promise<typeof Worlds> {
  const [m] = await Promise.all([import('../../app/worlds.ts'), loadAllMessages()]);
  return m;
}

export const renameWorld = async (...a: Parameters<typeof Worlds.renameWorld>) => (await worlds()).renameWorld(...a);
export const deleteWorld = async (...a: Parameters<typeof Worlds.deleteWorld>) => (await worlds()).deleteWorld(...a);
export const createWorld = async (...a: Parameters<typeof Worlds.createWorld>) => (await seeded()).createWorld(...a);
export const createLabWorld = async (...a: Parameters<typeof LabWorld.createLabWorld>) => (await labWorlds()).createLabWorld(...a);
export const loadTeacherLab = async (...a: Parameters<typeof TeacherLabs.loadTeacherLab>) => (await teacherLabs()).loadTeacherLab(...a);
export const removeTeacherLab = async (...a: Parameters<typeof TeacherLabs.removeTeacherLab>) => (await teacherLabs()).removeTeacherLab(...a);
export const resetWorld = async (...a: Parameters<typeof Worlds.resetWorld>) => (await seeded()).resetWorld(...a);
export const repairWorld = async (...a: Parameters<typeof Worlds.repairWorld>) => (await seeded()).repairWorld(...a);
export const exportWorld = async (...a: Parameters<typeof WorldFile.exportWorld>) => (await file()).exportWorld(...a);
export const exportSignedWorld = async (...a: Parameters<typeof WorldFile.exportSignedWorld>) => (await file()).exportSignedWorld(...a);
export const importWorld = async (...a: Parameters<typeof WorldFile.importWorld>) => (await file()).importWorld(...a);
export const exportWorldTo = async (...a: Parameters<typeof WorldFile.exportWorldTo>) => (await file()).exportWorldTo(...a);
export const openSigner = async (...a: Parameters<typeof WorldFile.openSigner>) => (await file()).openSigner(...a);

/**
 * Starts loading the actions' code once the start page has shown, so a first visit's "Create
 * world" does not wait for it. A failed load is tried again by the action itself.
 */
export function preloadWorldActions(): void {
  seeded().catch(() => undefined);
  file().catch(() => undefined);
}

/** The longest the preload waits for the browser to be idle after the start page showed. */
const preloadIdleMaxMs = 3000;

/** preloadWorldActions once the main thread is idle (the user may already be typing); returns a cancel. */
export function preloadWorldActionsWhenIdle(): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(preloadWorldActions, { timeout: preloadIdleMaxMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(preloadWorldActions, preloadIdleMaxMs);
  return () => clearTimeout(id);
}
