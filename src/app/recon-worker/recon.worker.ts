import { serveReconWorker, type ReconWorkerScope } from './serve.ts';

// Entry point of a reconciliation worker (bundled by Vite as its own chunk, see client.ts).
serveReconWorker(self as unknown as ReconWorkerScope);
