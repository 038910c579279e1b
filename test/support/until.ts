/** Waiting for something a server or another replica does is bounded by this many polls of pollMs. */
const pollsMax = 600;
const pollMs = 50;

/** Resolves once `condition` holds; throws naming `what` after pollsMax polls. */
export async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < pollsMax; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
