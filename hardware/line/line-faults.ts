// Faults a simulated device can put on its own replies: silence, garbage, corrupted checksums, late answers.
// Shared by every simulated device, so "crc-errors" means the same thing on a BMS, a charger or a motor controller.

import { SeededRandom } from '../battery/seeded-random.ts';

export type LineFaultKind = 'no-answer' | 'garbage' | 'crc-errors' | 'delay';

export class LineFaults {
  private readonly active = new Map<LineFaultKind, number>();
  private readonly rng: SeededRandom;
  /** Replies altered so far, per kind: tests check that the fault really happened. */
  readonly applied: Record<LineFaultKind, number> = { 'no-answer': 0, garbage: 0, 'crc-errors': 0, delay: 0 };

  constructor(seed = 1) {
    this.rng = new SeededRandom(seed);
  }

  /** Turns a fault on; `value` is the delay in ms for `delay`, ignored otherwise. */
  set(kind: LineFaultKind, value = 1): void {
    this.active.set(kind, value);
  }

  clear(kind?: LineFaultKind): void {
    if (kind) this.active.delete(kind);
    else this.active.clear();
  }

  list(): LineFaultKind[] {
    return [...this.active.keys()];
  }

  /** How long to hold back the next reply. */
  delayMs(): number {
    const d = this.active.get('delay') ?? 0;
    if (d > 0) this.applied.delay++;
    return d;
  }

  /** The chunks to put on the wire instead of `reply` (empty for silence). */
  shape(reply: Buffer): Buffer[] {
    if (this.active.has('no-answer')) {
      this.applied['no-answer']++;
      return [];
    }
    let out = reply;
    if (this.active.has('crc-errors') && out.length >= 3) {
      out = Buffer.from(out);
      // Flip a bit in the byte before the trailer: every protocol here keeps its checksum at the end.
      const i = out.length - 2;
      out.writeUInt8((out[i] ?? 0) ^ 0x01, i);
      this.applied['crc-errors']++;
    }
    if (this.active.has('garbage')) {
      const n = 1 + Math.floor(this.rng.next() * 12);
      const junk = Buffer.alloc(n);
      for (let k = 0; k < n; k++) junk.writeUInt8(Math.floor(this.rng.next() * 256), k);
      this.applied.garbage++;
      return [junk, out];
    }
    return [out];
  }
}
