// The LCD text mapping (ROM A00 umlauts, ASCII fallback) and the HD44780-over-PCF8574 decoder, checked against
// byte sequences written out by hand from the HD44780U datasheet (4-bit init, figure 24), not produced by johnny-five.

import { describe, expect, it } from 'vitest';
import { decodeLcdCodes, encodeLcdText, fitLcdLine } from './hd44780-charset.ts';
import { Hd44780Decoder } from './hd44780-decoder.ts';

describe('encodeLcdText', () => {
  it('maps lower-case umlauts and ß to ROM A00 codes', () => {
    expect(encodeLcdText('äöüß°', 'a00')).toEqual([0xe1, 0xef, 0xf5, 0xe2, 0xdf]);
  });

  it('spells capitals out, in capitals inside a capitalised word', () => {
    expect(String.fromCharCode(...encodeLcdText('STÖRUNG Öl Ä', 'a00'))).toBe('STOERUNG Oel Ae');
  });

  it('falls back to ae/oe/ue/ss for an unknown ROM', () => {
    expect(String.fromCharCode(...encodeLcdText('Lädt heiß, prüfen', 'ascii'))).toBe('Laedt heiss, pruefen');
  });

  it('accepts decomposed umlauts (NFD) and replaces what the ROM lacks', () => {
    expect(encodeLcdText('a\u0308', 'a00')).toEqual([0xe1]);
    expect(String.fromCharCode(...encodeLcdText('€\\~', 'a00'))).toBe('?/?');
  });

  it('pads and cuts after mapping, and decodes back', () => {
    const codes = fitLcdLine(encodeLcdText('Ä'.repeat(12), 'a00'), 20);
    expect(codes).toHaveLength(20);
    expect(decodeLcdCodes(fitLcdLine(encodeLcdText('zu heiß', 'a00'), 9))).toBe('zu heiß  ');
  });
});

/** The two port writes of one EN pulse on the backpack: data with EN high, then EN low. Backlight bit kept on. */
function pulse(nibble: number, rs: boolean): number[] {
  const b = (nibble << 4) | 0x08 | (rs ? 0x01 : 0);
  return [b | 0x04, b];
}
const byte = (v: number, rs: boolean) => [...pulse(v >> 4, rs), ...pulse(v & 0x0f, rs)];

describe('Hd44780Decoder', () => {
  const init = [
    ...pulse(0x3, false),
    ...pulse(0x3, false),
    ...pulse(0x3, false),
    ...pulse(0x2, false),
    ...byte(0x28, false),
    ...byte(0x0c, false),
    ...byte(0x01, false),
  ];

  it('follows the 4-bit init and writes characters where the cursor is', () => {
    const d = new Hd44780Decoder();
    d.feedAll([...init, ...byte(0x80 | 0x14 | 3, false), ...[0x48, 0x69].flatMap((c) => byte(c, true))]);
    const s = d.screen(20, 4);
    expect(s.rows[2]?.slice(0, 5)).toEqual([0x20, 0x20, 0x20, 0x48, 0x69]);
    expect(s.rows[0]?.every((c) => c === 0x20)).toBe(true);
    expect(s.displayOn).toBe(true);
    expect(s.backlight).toBe(true);
  });

  it('runs from the end of row 1 into row 3 (DDRAM 0x13 -> 0x14) and from 0x27 to 0x40', () => {
    const d = new Hd44780Decoder();
    d.feedAll([...init, ...byte(0x80 | 0x13, false), ...byte(0x41, true), ...byte(0x42, true)]);
    d.feedAll([...byte(0x80 | 0x27, false), ...byte(0x43, true), ...byte(0x44, true)]);
    const s = d.screen(20, 4);
    expect(s.rows[0]?.[19]).toBe(0x41);
    expect(s.rows[2]?.[0]).toBe(0x42);
    expect(s.rows[2]?.[19]).toBe(0x43);
    expect(s.rows[1]?.[0]).toBe(0x44);
  });

  it('latches only on the falling edge of EN and ignores reads (RW high)', () => {
    const d = new Hd44780Decoder();
    d.feedAll(init);
    const before = d.transfers;
    d.feedAll([0x48, 0x48]); // EN stays low: nothing latched
    d.feedAll([0x4a | 0x04, 0x4a]); // a falling edge, but with RW high: a read, not a write
    expect(d.transfers).toBe(before);
  });
});
