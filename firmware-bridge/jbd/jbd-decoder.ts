// Finds JBD frames in a byte stream that may be split, joined, or mixed with garbage (a UART after a glitch), with
// the generic scanning decoder: on a bad candidate it skips the start byte, so one corrupt byte costs one frame.

import { ScanningDecoder, type ScanSpec } from '../codec/scan-decoder.ts';
import { decodeRawFrame, JBD_START, jbdFrameLength, type JbdRawFrame } from './jbd-codec.ts';

/** Start byte, two header bytes, then the length byte: the frame's length is known after four bytes. */
const HEADER_BYTES = 4;

const JBD_SCAN: ScanSpec<JbdRawFrame> = {
  frameLength: (buf, at) => {
    if (buf[at] !== JBD_START) return 'invalid';
    if (buf.length - at < HEADER_BYTES) return 'more';
    return jbdFrameLength(buf[at + 3] ?? 0);
  },
  decode: decodeRawFrame,
  // A stray 0xDD in garbage can promise up to 262 bytes: a complete valid frame later in the buffer proves it
  // was garbage. The checksum makes that lookahead safe.
  lookahead: true,
};

export class JbdDecoder extends ScanningDecoder<JbdRawFrame> {
  constructor() {
    super(JBD_SCAN);
  }
}
