import { loadAllMessages } from '../i18n/i18n.svelte.ts';

// The start page's door to the class panel: the start page imports only this small chunk, so it
// does not carry the list of the panel's own chunks (the NATS client, world files, labs) that the
// bundler preloads with it; that list lives here, fetched on the first click (issue #18).
export async function loadClassPanel(): Promise<typeof import('./ClassPanel.svelte')> {
  const [panel] = await Promise.all([import('./ClassPanel.svelte'), loadAllMessages()]);
  return panel;
}
