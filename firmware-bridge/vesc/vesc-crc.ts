// CRC-16/XMODEM, the checksum the VESC firmware puts after every packet's payload (bldc util/crc.c, table-driven).
// Poly 0x1021, init 0x0000, no reflection, no final xor; check("123456789") = 0x31C3.

const POLY = 0x1021;

const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let bit = 0; bit < 8; bit++) c = c & 0x8000 ? (c << 1) ^ POLY : c << 1;
    t[i] = c & 0xffff;
  }
  return t;
})();

/**
 * CRC of `data[start..end)`. `crc` continues a running value (the firmware's `crc16_rolling`), so a payload that
 * arrives in pieces can be checked without copying it together first.
 */
export function crc16Xmodem(data: Uint8Array, start = 0, end = data.length, crc = 0): number {
  let c = crc & 0xffff;
  for (let i = start; i < end; i++) {
    c = ((c << 8) & 0xff00) ^ (TABLE[((c >>> 8) ^ (data[i] ?? 0)) & 0xff] ?? 0);
  }
  return c;
}
