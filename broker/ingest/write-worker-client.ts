// The broker's side of the write worker (write-worker-thread.ts): starts the thread, sends one batch at a time and
// resolves with its result. The thread loads our TypeScript through tsx's ESM API, registered by a tiny bootstrap,
// because a worker does not inherit the loader the CLI registered (and `--import tsx` does not load a .ts entry).

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Batch, BatchResult } from './batch-writer.ts';
import type { WorkerHeap, WriteWorkerData } from './write-worker-thread.ts';

type Reply =
  | { ready: true }
  | { closed: true }
  | { heap: WorkerHeap }
  | { id: number; result: BatchResult; buffer: ArrayBuffer }
  | { id: number; error: string; buffer: ArrayBuffer };

/** A written batch: its result, and its packed buffer handed back for the next batch. */
export interface WriteDone {
  result: BatchResult;
  buffer: ArrayBuffer;
}

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  await import(workerData.entry);
})().catch((err) => { setImmediate(() => { throw err; }); });
`;

/** tsx's ESM API (its package exports map 'tsx/esm/api' to dist/esm/api/index.mjs for import). */
function tsxApiUrl(): string {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
}

export class WriteWorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: WriteDone) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private readonly ready: Promise<void>;
  private closed: Promise<void> | null = null;
  private failure: Error | null = null;
  private readonly heapWaiters: Array<{ resolve: (h: WorkerHeap) => void; reject: (e: Error) => void }> = [];

  constructor(opts: WriteWorkerData) {
    // Compiled (dist/) the worker is plain JavaScript; from the sources it goes through tsx like the rest.
    const compiled = import.meta.url.endsWith('.js');
    const entry = new URL(compiled ? './write-worker-thread.js' : './write-worker-thread.ts', import.meta.url).href;
    const tsxApi = compiled ? null : tsxApiUrl();
    this.worker = new Worker(BOOTSTRAP, { eval: true, workerData: { ...opts, tsxApi, entry } });
    let onReady: () => void = () => undefined;
    let onFail: (e: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => ((onReady = resolve), (onFail = reject)));
    this.ready.catch(() => undefined);
    this.worker.on('message', (m: Reply) => {
      if ('ready' in m) return onReady();
      if ('closed' in m) return;
      if ('heap' in m) {
        for (const w of this.heapWaiters.splice(0)) w.resolve(m.heap);
        return;
      }
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if ('error' in m) p?.reject(new Error(m.error));
      else p?.resolve({ result: m.result, buffer: m.buffer });
    });
    const fail = (err: Error): void => {
      this.failure = err;
      onFail(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      for (const w of this.heapWaiters.splice(0)) w.reject(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`ingest write worker exited with code ${code}`));
    });
  }

  /** Resolves once the thread has opened the store (start-up fails loudly instead of at the first batch). */
  started(): Promise<void> {
    return this.ready;
  }

  /** Sends a batch; its packed buffer is transferred there and back (unusable here until the write is done). */
  async write(batch: Batch): Promise<WriteDone> {
    await this.ready;
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    return new Promise<WriteDone>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, batch }, [batch.packed.buffer as ArrayBuffer]);
    });
  }

  /** The thread's V8 heap (its own isolate: `process.memoryUsage()` on the main thread does not include it). */
  async heap(): Promise<WorkerHeap> {
    await this.ready;
    if (this.failure) throw this.failure;
    return new Promise<WorkerHeap>((resolve, reject) => {
      if (this.heapWaiters.push({ resolve, reject }) === 1) this.worker.postMessage({ heap: true });
    });
  }

  /** Closes the thread's connection (checkpointing the WAL) and ends the thread. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      if (!this.failure) {
        const exited = new Promise<void>((r) => this.worker.once('exit', () => r()));
        this.worker.postMessage({ close: true });
        await exited;
      } else {
        await this.worker.terminate();
      }
    })();
    return this.closed;
  }
}
