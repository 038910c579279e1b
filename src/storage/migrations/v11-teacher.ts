import type { Migration } from './migration.ts';

// The teacher of the world (issue 13). Never edit once shipped: add a new version instead.
//   teacher: one row (id 'teacher'): the teacher's display name, PBKDF2 password hash, Ed25519
//     public key and the key's seed sealed under the teacher's password (like parties' keys).
//
// No upgrade function: a world made before this version has no teacher row, and stays so until
// someone sets one. That is safe because it fails closed: every lab tool and the institutions'
// passwords need a teacher sign-in, and without a row nobody can sign in, so the world opens with
// the lab tools locked rather than with a password chosen for whoever happens to open it first (an
// upgrade cannot run PBKDF2 anyway: WebCrypto must not be awaited inside the upgrade transaction).
// The party picker then offers "set the teacher password" (src/app/teacher.ts claimTeacher): such
// a world was open to every tab before, so the first person to set it gains nothing they did not
// have, and a teacher preparing an old world sets it before handing the world out.
export const v11Teacher: Migration = {
  version: 11,
  stores: {
    teacher: 'id',
  },
};
