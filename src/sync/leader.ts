// One tab per world is the leader, elected with Web Locks: every tab asks for the same exclusive
// lock and holds it until the tab closes. The browser releases a closed or crashed tab's lock at
// once, and the next waiting tab gets it: that is the takeover. Without Web Locks the only tab is the
// leader (the UI says multi-tab mode is off).

export type LeaderState = { readonly supported: boolean; readonly isLeader: boolean };

export class LeaderElection {
  readonly supported: boolean;
  private leader = false;
  private release: (() => void) | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly lockName: string,
    private readonly onChange: (isLeader: boolean) => void,
  ) {
    this.supported = typeof navigator !== 'undefined' && 'locks' in navigator && navigator.locks !== undefined;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (!this.supported) {
      this.become(true);
      return;
    }
    navigator.locks
      .request(this.lockName, { mode: 'exclusive', signal: this.abort.signal }, () => {
        this.become(true);
        // Held until stop() or the tab goes away.
        return new Promise<void>((resolve) => {
          this.release = resolve;
        });
      })
      .catch((e: unknown) => {
        if (!(e instanceof DOMException && e.name === 'AbortError')) throw e;
      });
  }

  stop(): void {
    this.abort.abort();
    this.release?.();
    this.become(false);
  }

  private become(isLeader: boolean): void {
    if (this.leader === isLeader) return;
    this.leader = isLeader;
    this.onChange(isLeader);
  }
}
