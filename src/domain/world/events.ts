// The event log records what happened in a world, in the same transaction as the change itself.
// `actor` is the party that acted; `parties` are the parties the event concerns (for their feeds and
// notifications).

export type EventDraft = {
  readonly type: string;
  readonly actor: string;
  readonly parties?: readonly string[];
  readonly payload: Readonly<Record<string, unknown>>;
};

export type WorldEvent = EventDraft & {
  readonly seq: number;
  readonly at: number;
  readonly parties: readonly string[];
};

/** How many events the activity feed shows: enough to follow a demo, small enough to render at once. */
export const feedEventsMax = 50;
