import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { crc16Xmodem } from './vesc-crc.ts';

// Bit-by-bit reference, independent of the table.
function crcBitwise(data: Uint8Array): number {
  let crc = 0;
  for (const b of data) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

describe('crc16Xmodem', () => {
  it('has the catalogue check value 0x31C3 for "123456789"', () => {
    expect(crc16Xmodem(Buffer.from('123456789', 'ascii'))).toBe(0x31c3);
  });

  it('is 0 for no bytes', () => {
    expect(crc16Xmodem(new Uint8Array())).toBe(0);
  });

  it('matches a bitwise implementation on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (data) => crc16Xmodem(data) === crcBitwise(data)));
  });

  it('continues a running CRC across pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (data, cut) => {
        const at = data.length === 0 ? 0 : cut % (data.length + 1);
        const first = crc16Xmodem(data, 0, at);
        return crc16Xmodem(data, at, data.length, first) === crc16Xmodem(data);
      }),
    );
  });
});
