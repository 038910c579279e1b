// Node lacks a few browser globals that dexie-export-import uses (self, FileReader). These shims
// exist only in the Node test run; the browser has the real ones.
const g = globalThis as Record<string, unknown>;
g.self ??= globalThis;

type Handler = ((event: { target: unknown }) => void) | null;
class NodeFileReader {
  result: string | ArrayBuffer | null = null;
  error: unknown = null;
  onload: Handler = null;
  onerror: Handler = null;
  private finish(p: Promise<string | ArrayBuffer>): void {
    p.then(
      (r) => {
        this.result = r;
        this.onload?.({ target: this });
      },
      (e: unknown) => {
        this.error = e;
        this.onerror?.({ target: this });
      },
    );
  }
  readAsText(blob: Blob): void {
    this.finish(blob.text());
  }
  readAsArrayBuffer(blob: Blob): void {
    this.finish(blob.arrayBuffer());
  }
}
g.FileReader ??= NodeFileReader;

// The app loads most catalogs with the world shell (issue #18); tests render pages and words
// directly, so every catalog is loaded before any test runs.
const { loadAllMessages } = await import('../src/ui/i18n/i18n.svelte.ts');
await loadAllMessages();
export {};
