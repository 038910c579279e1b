// What this tab remembers about the lab worlds it started, in its memory only (like sign-ins): the
// teacher password made for the world, shown on the lab panel of this tab and nowhere else.
const teacherPasswords = new Map<string, string>();

export function rememberTeacherPassword(worldId: string, password: string): void {
  teacherPasswords.set(worldId, password);
}

export function teacherPasswordOf(worldId: string): string | null {
  return teacherPasswords.get(worldId) ?? null;
}
