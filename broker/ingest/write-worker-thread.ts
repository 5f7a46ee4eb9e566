// The write worker's thread: its own connection to central.sqlite and a BatchWriter, so the synchronous SQLite
// work of ingestion (a few ms per batch of 500) runs beside the broker's event loop instead of inside it.
// Protocol: { id, batch } in, { id, result, buffer } or { id, error, buffer } out (the batch's buffer goes back);
// { heap: true } answers { heap } (this thread's V8 heap, which the process's own figures leave out);
// { close: true } checkpoints, closes and exits.

import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { CentralDb } from '../store/central-db.ts';
import { BatchWriter, type Batch } from './batch-writer.ts';

export interface WriteWorkerData {
  dataDir: string;
  batterySampleMs?: number;
  rickshawMaxDailyKm?: number;
}

export type WorkerRequest = { id: number; batch: Batch } | { heap: true } | { close: true };

/** The thread's V8 heap in bytes: what it holds (used) and what it has reserved and touched (total). */
export interface WorkerHeap {
  usedBytes: number;
  totalBytes: number;
}

const port = parentPort;
if (!port) throw new Error('write-worker-thread.ts runs as a worker thread only');
const data = workerData as WriteWorkerData;
const db = new CentralDb(data.dataDir);
// Checkpoint every ~64 MiB of WAL rather than 4 MiB: fewer, larger copies back into the file (the WAL is reused).
db.db.pragma('wal_autocheckpoint = 4096');
const writer = new BatchWriter(db, data.batterySampleMs, data.rickshawMaxDailyKm);

port.on('message', (req: WorkerRequest) => {
  if ('close' in req) {
    db.close();
    port.postMessage({ closed: true });
    port.close();
    return;
  }
  if ('heap' in req) {
    const h = getHeapStatistics();
    const heap: WorkerHeap = { usedBytes: h.used_heap_size, totalBytes: h.total_heap_size };
    port.postMessage({ heap });
    return;
  }
  const buffer = req.batch.packed.buffer;
  try {
    port.postMessage({ id: req.id, result: writer.write(req.batch), buffer }, [buffer as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err), buffer }, [
      buffer as ArrayBuffer,
    ]);
  }
});
port.postMessage({ ready: true });
