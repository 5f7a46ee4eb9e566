// Finds self-delimiting Modbus frames in a byte stream without timing gaps (a pty or a USB adapter has none):
// scan for a plausible header, take the length it implies, check the frame, and on failure skip one byte.

import type { Decoded } from './codec-error.ts';
import type { DecodeEvent, FrameDecoder } from './frame-decoder.ts';

export interface ScanSpec<F> {
  /** Length of the candidate frame at `buf[at]`: 'more' if its header is not complete, 'invalid' if implausible. */
  frameLength(buf: Buffer, at: number): number | 'more' | 'invalid';
  /** Checks and decodes exactly one candidate frame. */
  decode(candidate: Buffer): Decoded<F>;
  /**
   * When the candidate at the head is incomplete, look further for a complete frame that passes `decode`, and jump
   * to it. Only safe with a CRC: without one, a plausible header inside a split frame's data would be mistaken.
   */
  lookahead: boolean;
  /** Cheap accept/reject for lookahead (a CRC check), so hunting does not build an error per candidate. */
  quickCheck?: (candidate: Buffer) => boolean;
}

export class ScanningDecoder<F> implements FrameDecoder<F> {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly spec: ScanSpec<F>) {}

  get pending(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
  }

  push(chunk: Uint8Array): DecodeEvent<F>[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const buf = this.buf;
    const events: DecodeEvent<F>[] = [];
    let skipped = 0;
    const flush = () => {
      if (skipped > 0) events.push({ kind: 'resync', skipped });
      skipped = 0;
    };
    let pos = 0;
    while (pos < buf.length) {
      const len = this.spec.frameLength(buf, pos);
      if (len === 'invalid') {
        pos++;
        skipped++;
        continue;
      }
      if (len === 'more' || pos + len > buf.length) {
        // A garbage byte can look like a header promising up to 256 bytes that never come (a request/reply bus
        // goes quiet after the reply). A complete, valid frame later on proves the head candidate was garbage.
        const later = this.spec.lookahead ? this.findCompleteFrame(pos + 1) : -1;
        if (later < 0) break;
        skipped += later - pos;
        pos = later;
        continue;
      }
      const candidate = buf.subarray(pos, pos + len);
      const r = this.spec.decode(candidate);
      flush();
      if (r.ok) {
        events.push({ kind: 'frame', frame: r.value, raw: Buffer.from(candidate) });
        pos += len;
      } else {
        events.push({ kind: 'error', error: r.error, raw: Buffer.from(candidate) });
        pos += 1;
      }
    }
    flush();
    this.buf = Buffer.from(buf.subarray(pos));
    return events;
  }

  private findCompleteFrame(from: number): number {
    const buf = this.buf;
    for (let s = from; s < buf.length; s++) {
      const len = this.spec.frameLength(buf, s);
      if (typeof len !== 'number' || s + len > buf.length) continue;
      const candidate = buf.subarray(s, s + len);
      if (this.spec.quickCheck && !this.spec.quickCheck(candidate)) continue;
      if (this.spec.decode(candidate).ok) return s;
    }
    return -1;
  }
}
