// The ingester's queue: items in batches of at most maxBatch, each payload copied into its batch's packed buffer as
// it arrives, so the write worker gets one transferable buffer per batch and the received Buffers die young.

import type { Batch, BatchItem } from './batch-writer.ts';

interface OpenBatch {
  items: BatchItem[];
  bytes: Uint8Array;
  used: number;
}

/** Packed buffers start at this size and double as a batch grows (a spare from a written batch is reused first). */
const MIN_BYTES = 64 * 1024;
/** Written batches' buffers kept for the next ones: the two in the write worker's pipeline and a little slack. */
const MAX_SPARES = 4;

export class BatchQueue {
  private readonly open: OpenBatch[] = [];
  private count = 0;
  private readonly spares: ArrayBuffer[] = [];

  constructor(private readonly maxBatch: number) {}

  /** Items queued in all batches. */
  get length(): number {
    return this.count;
  }

  /** A batch has reached maxBatch (it is written without waiting for the interval). */
  get hasFull(): boolean {
    return this.open.length > 1 || (this.open[0]?.items.length ?? 0) >= this.maxBatch;
  }

  /**
   * Queues an item; `raw` (the payload bytes, when the item carries no text) is copied into the batch's buffer at
   * once. A received payload is a view of the socket's read chunk (~64 KiB): holding it until its batch was packed
   * kept whole chunks alive through several young-generation collections (measured as GC on the broker's thread).
   */
  push(item: BatchItem, raw: Buffer | null): void {
    let ob = this.open[this.open.length - 1];
    if (!ob || ob.items.length >= this.maxBatch) {
      ob = { items: [], bytes: new Uint8Array(this.spares.pop() ?? new ArrayBuffer(MIN_BYTES)), used: 0 };
      this.open.push(ob);
    }
    if (raw) {
      const need = ob.used + raw.length;
      if (need > ob.bytes.length) ob.bytes = grown(ob.bytes, ob.used, need);
      ob.bytes.set(raw, ob.used);
      item.off = ob.used;
      item.len = raw.length;
      ob.used = need;
    }
    ob.items.push(item);
    this.count += 1;
  }

  /** The oldest batch (at most maxBatch items), or null when nothing is queued. */
  take(): Batch | null {
    const ob = this.open.shift();
    if (!ob) return null;
    this.count -= ob.items.length;
    return { items: ob.items, packed: new Uint8Array(ob.bytes.buffer, 0, ob.used) };
  }

  /** A written batch's buffer, for a later batch (the write worker hands each one back with its result). */
  giveBack(buffer: ArrayBuffer): void {
    if (this.spares.length < MAX_SPARES && buffer.byteLength >= MIN_BYTES) this.spares.push(buffer);
  }
}

/** A buffer of at least `need` bytes (the next power of two) holding the first `used` bytes of `bytes`. */
function grown(bytes: Uint8Array, used: number, need: number): Uint8Array {
  const next = new Uint8Array(new ArrayBuffer(2 ** Math.ceil(Math.log2(need))));
  next.set(bytes.subarray(0, used));
  return next;
}
