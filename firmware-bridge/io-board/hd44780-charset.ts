// Text <-> HD44780 character codes. Most 20x4 modules with a PCF8574 backpack carry the Japanese ROM "A00", which has
// lower-case ä ö ü, ß (as β) and ° but no capital umlauts; `ascii` is the fallback for a module whose ROM is unknown.

/** `a00`: ä ö ü ß ° from the ROM (capitals as Ae Oe Ue). `ascii`: ae oe ue ss everywhere, readable on any ROM. */
export type LcdCharset = 'a00' | 'ascii';

// HD44780U datasheet, table 4 (ROM code A00): 0xE1 ä, 0xEF ö, 0xF5 ü, 0xE2 β (stands in for ß), 0xDF °, 0x7E →, 0x7F ←.
const A00: ReadonlyMap<string, number> = new Map([
  ['ä', 0xe1],
  ['ö', 0xef],
  ['ü', 0xf5],
  ['ß', 0xe2],
  ['°', 0xdf],
  ['→', 0x7e],
  ['←', 0x7f],
]);

/** Spelled out in either charset: there is no capital umlaut in A00. */
const SPELLED: ReadonlyMap<string, string> = new Map([
  ['Ä', 'Ae'],
  ['Ö', 'Oe'],
  ['Ü', 'Ue'],
  ['ẞ', 'SS'],
]);

/** Only in `ascii`: what replaces the A00 glyphs. */
const ASCII_ONLY: ReadonlyMap<string, string> = new Map([
  ['ä', 'ae'],
  ['ö', 'oe'],
  ['ü', 'ue'],
  ['ß', 'ss'],
  ['°', ''],
  ['→', '>'],
  ['←', '<'],
]);

const QUESTION = 0x3f;

const isUpper = (c: string | undefined) => c !== undefined && c !== c.toLowerCase();
const isLower = (c: string | undefined) => c !== undefined && c !== c.toUpperCase();

/**
 * Character codes for `text`, one per glyph on the screen. ASCII 0x20..0x7D passes through except `\` (0x5C is ¥ in
 * A00, sent as `/`); anything the ROM cannot show becomes `?`. Umlauts may turn into two glyphs (Ä -> Ae), so pad or
 * cut after encoding, never before.
 */
export function encodeLcdText(text: string, charset: LcdCharset): number[] {
  const out: number[] = [];
  const chars = [...text.normalize('NFC')];
  chars.forEach((ch, i) => {
    let spelled = SPELLED.get(ch) ?? (charset === 'ascii' ? ASCII_ONLY.get(ch) : undefined);
    // In a word written in capitals (STÖRUNG) the spelled-out capital is all capitals too: STOERUNG, not STOeRUNG.
    if (
      spelled !== undefined &&
      SPELLED.has(ch) &&
      (isUpper(chars[i + 1]) || (isUpper(chars[i - 1]) && !isLower(chars[i + 1])))
    ) {
      spelled = spelled.toUpperCase();
    }
    if (spelled !== undefined) {
      for (const c of spelled) out.push(c.charCodeAt(0));
      return;
    }
    const rom = charset === 'a00' ? A00.get(ch) : undefined;
    if (rom !== undefined) {
      out.push(rom);
      return;
    }
    const code = ch.codePointAt(0) ?? QUESTION;
    if (ch === '\\') out.push(0x2f);
    else if (code >= 0x20 && code <= 0x7d) out.push(code);
    else out.push(QUESTION);
  });
  return out;
}

const A00_BACK: ReadonlyMap<number, string> = new Map([...A00].map(([ch, code]) => [code, ch]));

/** What a person reads on an A00 screen for these codes (CGRAM slots and unknown codes as `?`, 0x5C as ¥). */
export function decodeLcdCodes(codes: readonly number[]): string {
  let s = '';
  for (const c of codes) {
    const rom = A00_BACK.get(c);
    if (rom !== undefined) s += rom;
    else if (c === 0x5c) s += '¥';
    else if (c >= 0x20 && c <= 0x7d) s += String.fromCharCode(c);
    else s += '?';
  }
  return s;
}

/** `codes` padded with spaces or cut to exactly `cols` glyphs. */
export function fitLcdLine(codes: readonly number[], cols: number): number[] {
  const line = codes.slice(0, cols);
  while (line.length < cols) line.push(0x20);
  return line;
}
