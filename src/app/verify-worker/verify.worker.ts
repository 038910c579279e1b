import { serveVerifyWorker, type WorkerScope } from './serve.ts';

// Entry point of a verify worker (bundled by Vite as its own chunk, see client.ts).
serveVerifyWorker(self as unknown as WorkerScope);
