// Stream decoder for VESC packets: turns UART chunks (split, joined, with noise between) into whole frames with the
// generic scanning decoder, resynchronising the way the firmware does: a candidate that fails its checks loses one
// byte and scanning goes on.

import { ScanningDecoder } from '../codec/scan-decoder.ts';
import {
  VESC_DEFAULT_MAX_PAYLOAD,
  decodeVescPacket,
  scanVescFrame,
  type VescFrame,
  type VescPacketOptions,
} from './vesc-packet.ts';

export class VescFrameDecoder extends ScanningDecoder<VescFrame> {
  constructor(opts: VescPacketOptions = {}) {
    const maxPayload = opts.maxPayload ?? VESC_DEFAULT_MAX_PAYLOAD;
    super({
      frameLength: (buf, at) => {
        const scan = scanVescFrame(buf, at, maxPayload);
        if (scan.kind === 'incomplete') return 'more';
        // Not a start byte: skipped while hunting, not a frame error.
        if (scan.kind === 'invalid' && scan.error.code === 'BAD_START') return 'invalid';
        return scan.length;
      },
      decode: (candidate) => decodeVescPacket(candidate, { maxPayload }),
      // The candidate at the head may promise more bytes than we have. If noise made it (a stray 0x02 and a length
      // byte), the real reply may already sit complete behind it, and on a request/reply line nothing more will come
      // to push the false candidate to its failing end byte: the reply would be lost to a timeout. So look ahead for
      // a whole valid frame and take it. The price: a genuine frame whose payload embeds a complete valid frame
      // (start, length, CRC and end byte all agreeing — about 1 in 2^24 per position) would be cut short while
      // incomplete.
      lookahead: true,
    });
  }
}
