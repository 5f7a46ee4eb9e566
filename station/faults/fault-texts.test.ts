// Every string of the fault-code table the 20x4 screen shows fits 20 columns as the HD44780 shows it (umlauts may take
// two glyphs in the ascii charset, so the count is taken after encoding) and uses only glyphs the ROM has.

import { describe, expect, it } from 'vitest';
import { FAULT_CODES, FAULT_LANGUAGES, TOUCH_TEXT } from '../../contract/fault-codes.ts';
import { encodeLcdText, type LcdCharset } from '../../firmware-bridge/io-board/hd44780-charset.ts';

const CHARSETS: LcdCharset[] = ['a00', 'ascii'];
const QUESTION = 0x3f;

/** Glyphs on the screen; throws on a glyph the ROM lacks (it would show as "?"). */
function glyphs(text: string, charset: LcdCharset): number {
  const codes = encodeLcdText(text, charset);
  const wanted = [...text].filter((c) => c === '?').length;
  expect(codes.filter((c) => c === QUESTION).length, `"${text}" has a glyph the screen lacks`).toBe(wanted);
  return codes.length;
}

describe('fault-code screen texts', () => {
  it.each(CHARSETS)('fit 20 columns in the %s charset', (charset) => {
    for (const e of FAULT_CODES) {
      for (const lang of FAULT_LANGUAGES) {
        const t = e.text[lang];
        expect(glyphs(`${e.code} ${t.title}`, charset), `${e.code} ${lang} title`).toBeLessThanOrEqual(20);
        expect(glyphs(t.action, charset), `${e.code} ${lang} action`).toBeLessThanOrEqual(20);
      }
    }
    for (const lang of FAULT_LANGUAGES) {
      for (const s of Object.values(TOUCH_TEXT[lang])) expect(glyphs(s, charset)).toBeLessThanOrEqual(20);
    }
  });
});
