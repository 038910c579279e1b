// Where a streamed export (world file, journal CSV) writes its chunks: a file the user picked
// through the File System Access API (written to disk as it goes), or else a Blob assembled from
// many small parts, never one giant string or buffer (Chromium keeps large Blob data out of the
// page's memory). Small and dependency-free: the start page calls pickSaveFile in its click
// handler, before any other await, while the click still counts as the user's gesture.

/** A destination for bytes written in order. `abort` discards what was written. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/** Collects the chunks as Blob parts; `blob()` once closed. */
export class BlobSink implements ByteSink {
  private parts: Blob[] = [];
  private closed = false;
  constructor(private readonly type: string) {}
  write(chunk: Uint8Array): Promise<void> {
    // Each chunk becomes its own Blob at once, so the page does not keep the bytes itself.
    this.parts.push(new Blob([chunk as Uint8Array<ArrayBuffer>]));
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  abort(): Promise<void> {
    this.parts = [];
    return Promise.resolve();
  }
  blob(): Blob {
    if (!this.closed) throw new Error('BlobSink read before close');
    return new Blob(this.parts, { type: this.type });
  }
}

// The File System Access API is not in TypeScript's DOM library (Chromium only).
type Writable = { write(data: Uint8Array): Promise<void>; close(): Promise<void>; abort(): Promise<void> };
type SaveHandle = { createWritable(): Promise<Writable>; remove?: () => Promise<void> };
type SavePicker = (options: { suggestedName: string; types?: { description: string; accept: Record<string, string[]> }[] }) => Promise<SaveHandle>;

/** Writes to a picked file through its writable stream (Chromium swaps the file in on close). */
class FileSink implements ByteSink {
  constructor(private readonly handle: SaveHandle, private readonly writable: Writable) {}
  write(chunk: Uint8Array): Promise<void> {
    return this.writable.write(chunk);
  }
  close(): Promise<void> {
    return this.writable.close();
  }
  async abort(): Promise<void> {
    await this.writable.abort().catch(() => undefined);
    // The picker made an empty file: remove it where the browser allows, so a cancel leaves nothing.
    await this.handle.remove?.().catch(() => undefined);
  }
}

/**
 * Asks where to save, when the browser has a save picker: a sink writing to that file, `'cancelled'`
 * when the user closed the picker, or `null` (no picker: the caller collects a BlobSink and downloads).
 */
export async function pickSaveFile(suggestedName: string, description: string, mime: string, extension: string): Promise<ByteSink | 'cancelled' | null> {
  const picker = (globalThis as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  if (typeof picker !== 'function') return null;
  let handle: SaveHandle;
  try {
    handle = await picker.call(globalThis, { suggestedName, types: [{ description, accept: { [mime]: [extension] } }] });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return 'cancelled';
    // A refusal (a blocked folder, a policy) is not the user's choice: fall back to a download.
    return null;
  }
  return new FileSink(handle, await handle.createWritable());
}
