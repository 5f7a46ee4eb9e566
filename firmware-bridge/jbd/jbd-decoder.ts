// Finds JBD frames in a byte stream that may be split, joined, or mixed with garbage (a UART after a glitch).
// On a bad candidate it skips the start byte and rescans, so one corrupt byte costs one frame, not the line.

import type { DecodeEvent, FrameDecoder } from '../codec/frame-decoder.ts';
import { decodeRawFrame, JBD_START, jbdFrameLength, type JbdRawFrame } from './jbd-codec.ts';

export class JbdDecoder implements FrameDecoder<JbdRawFrame> {
  private buf: Buffer = Buffer.alloc(0);

  get pending(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
  }

  push(chunk: Uint8Array): DecodeEvent<JbdRawFrame>[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const events: DecodeEvent<JbdRawFrame>[] = [];
    let pos = 0;
    while (pos < this.buf.length) {
      const start = this.buf.indexOf(JBD_START, pos);
      if (start < 0) {
        events.push({ kind: 'resync', skipped: this.buf.length - pos });
        pos = this.buf.length;
        break;
      }
      if (start > pos) events.push({ kind: 'resync', skipped: start - pos });
      pos = start;
      const total = this.buf.length - pos < 4 ? Infinity : jbdFrameLength(this.buf[pos + 3] ?? 0);
      if (this.buf.length - pos < total) {
        // Incomplete: a stray 0xDD in garbage can promise up to 262 bytes. If a complete valid frame starts later
        // in the buffer, the candidate was garbage; take the later frame instead of waiting for bytes that never come.
        const later = this.findCompleteFrame(pos + 1);
        if (later < 0) break;
        events.push({ kind: 'resync', skipped: later - pos });
        pos = later;
        continue;
      }
      const candidate = this.buf.subarray(pos, pos + total);
      const r = decodeRawFrame(candidate);
      if (r.ok) {
        events.push({ kind: 'frame', frame: r.value, raw: Buffer.from(candidate) });
        pos += total;
      } else {
        events.push({ kind: 'error', error: r.error, raw: Buffer.from(candidate) });
        pos += 1;
      }
    }
    this.buf = Buffer.from(this.buf.subarray(pos));
    return events;
  }

  private findCompleteFrame(from: number): number {
    for (let s = this.buf.indexOf(JBD_START, from); s >= 0; s = this.buf.indexOf(JBD_START, s + 1)) {
      if (this.buf.length - s < 7) return -1;
      const total = jbdFrameLength(this.buf[s + 3] ?? 0);
      if (this.buf.length - s >= total && decodeRawFrame(this.buf.subarray(s, s + total)).ok) return s;
    }
    return -1;
  }
}
