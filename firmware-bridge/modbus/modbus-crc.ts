// CRC-16/MODBUS (reflected poly 0xA001, init 0xFFFF, no final XOR), sent low byte first after the frame.
// Table-driven: the stream decoder runs it on every candidate header while resyncing, so it is on the hot path.

const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC of `bytes[start, end)`; the check value of ASCII "123456789" is 0x4B37. */
export function modbusCrc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    // `?? 0` only satisfies noUncheckedIndexedAccess: i is always in range here.
    crc = (crc >>> 8) ^ (TABLE[(crc ^ (bytes[i] ?? 0)) & 0xff] ?? 0);
  }
  return crc;
}

/** True when the last two bytes of `bytes[start, end)` are the CRC of the bytes before them (residue 0). */
export function hasValidCrc(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  return end - start >= 3 && modbusCrc(bytes, start, end) === 0;
}

/** Returns a copy of `body` with its CRC appended, low byte first. */
export function withCrc(body: Uint8Array): Buffer {
  const out = Buffer.alloc(body.length + 2);
  out.set(body, 0);
  const crc = modbusCrc(body);
  out[body.length] = crc & 0xff;
  out[body.length + 1] = crc >>> 8;
  return out;
}
