// Stream decoder for VESC packets: turns UART chunks (split, joined, with noise between) into whole frames,
// resynchronising the way the firmware does: a candidate that fails its checks loses one byte and scanning goes on.

import type { DecodeEvent, FrameDecoder } from '../codec/frame-decoder.ts';
import {
  VESC_DEFAULT_MAX_PAYLOAD,
  isVescStartByte,
  scanVescFrame,
  type VescFrame,
  type VescPacketOptions,
} from './vesc-packet.ts';

export class VescFrameDecoder implements FrameDecoder<VescFrame> {
  private buf: Buffer = Buffer.alloc(0);
  private readonly maxPayload: number;

  constructor(opts: VescPacketOptions = {}) {
    this.maxPayload = opts.maxPayload ?? VESC_DEFAULT_MAX_PAYLOAD;
  }

  get pending(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
  }

  push(chunk: Uint8Array): DecodeEvent<VescFrame>[] {
    const buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const events: DecodeEvent<VescFrame>[] = [];
    let pos = 0;
    let skipped = 0;
    const flushSkipped = () => {
      if (skipped > 0) events.push({ kind: 'resync', skipped });
      skipped = 0;
    };

    while (pos < buf.length) {
      if (!isVescStartByte(buf[pos] ?? 0)) {
        skipped++;
        pos++;
        continue;
      }
      const scan = scanVescFrame(buf, pos, this.maxPayload);
      if (scan.kind === 'frame') {
        flushSkipped();
        events.push({ kind: 'frame', frame: scan.frame, raw: Buffer.from(buf.subarray(pos, pos + scan.length)) });
        pos += scan.length;
        continue;
      }
      if (scan.kind === 'invalid') {
        flushSkipped();
        events.push({ kind: 'error', error: scan.error, raw: Buffer.from(buf.subarray(pos, pos + scan.length)) });
        pos += 1;
        continue;
      }
      // The candidate here promises more bytes than we have. If noise made it (a stray 0x02 and a length byte), the
      // real reply may already sit complete behind it, and on a request/reply line nothing more will come to push
      // the false candidate to its failing end byte: the reply would be lost to a timeout. So look ahead for a whole
      // valid frame and take it. The price: a genuine frame whose payload embeds a complete valid frame (start,
      // length, CRC and end byte all agreeing — about 1 in 2^24 per position) would be cut short while incomplete.
      const ahead = this.findWholeFrame(buf, pos + 1);
      if (ahead < 0) break;
      skipped += ahead - pos;
      pos = ahead;
    }
    flushSkipped();
    this.buf = Buffer.from(buf.subarray(pos));
    return events;
  }

  private findWholeFrame(buf: Buffer, from: number): number {
    for (let i = from; i < buf.length; i++) {
      if (isVescStartByte(buf[i] ?? 0) && scanVescFrame(buf, i, this.maxPayload).kind === 'frame') return i;
    }
    return -1;
  }
}
