import type { Table } from 'dexie';
import type { PasswordHash, SealedPrivateKey } from '../domain/index.ts';
import type { WorldDb } from './schema.ts';

// Typed access to the teacher table (declared in migrations/v11-teacher.ts). It holds one row; the
// teacher's password is kept only as a PBKDF2 hash and the key's seed only sealed under it.

export const teacherRowId = 'teacher';

export type TeacherRow = {
  readonly id: typeof teacherRowId;
  /** What students and imported files show ("prepared by …"); null when the creator left it empty. */
  readonly name: string | null;
  readonly passwordHash: PasswordHash;
  /** hex, the Ed25519 public key */
  readonly publicKey: string;
  readonly sealed: SealedPrivateKey;
  /** World time when the teacher was set (creation, or a later claim of an older world). */
  readonly createdAt: number;
};

export function teacherTable(db: WorldDb): Table<TeacherRow, string> {
  return db.table('teacher');
}
