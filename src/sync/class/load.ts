// Class mode's one entry point: the NATS client and the class transport are fetched only when a tab
// joins a class (a chunk of their own), never on the first screen of a solo world.
export function loadClassTransport(): Promise<typeof import('./transport.ts')> {
  return import('./transport.ts');
}
