// Starts a planning worker thread: TypeScript sources run through tsx's loader, as in the
// main process (bin/relais.js), then the worker module named by the parent runs.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
