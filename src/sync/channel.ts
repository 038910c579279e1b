import { parseMessage, type ChannelMessage } from './protocol.ts';

// A typed BroadcastChannel per world. Without BroadcastChannel the app still works in one tab:
// `available` is false and the UI says so.

type Listener = (message: ChannelMessage) => void;

export class WorldChannel {
  readonly available: boolean;
  private readonly channel: BroadcastChannel | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(worldId: string) {
    this.available = typeof BroadcastChannel === 'function';
    if (!this.available) return;
    this.channel = new BroadcastChannel(`settlelab:${worldId}`);
    this.channel.onmessage = (event: MessageEvent) => this.receive(event.data);
  }

  /** Exposed for tests: what a tab does with whatever arrives on the channel. */
  receive(data: unknown): void {
    const parsed = parseMessage(data);
    if (!parsed.ok) {
      console.warn(`SettleLab: ignored a malformed channel message (${parsed.reason})`, data);
      return;
    }
    for (const listener of this.listeners) listener(parsed.message);
  }

  send(message: ChannelMessage): void {
    this.channel?.postMessage(message);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.channel?.close();
  }
}
