// The fault-code table on a real I/O board driver over the virtual IO: for each fault code the decoded screen shows
// the table's lines and the dock LED flashes the table's pattern; the most urgent fault comes first; English by config;
// no line of any code, language or charset is longer than 20 glyphs on the screen.

import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_CODES, FAULT_LANGUAGES, ledCodeSequence, TOUCH_TEXT } from '../../contract/fault-codes.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { decodeLcdCodes, encodeLcdText } from '../../firmware-bridge/io-board/hd44780-charset.ts';
import { parseIoBoardConfig } from '../../firmware-bridge/io-board/io-board-config.ts';
import { IoBoard } from '../../firmware-bridge/io-board/io-board.ts';
import { DisplayRenderer } from './display-renderer.ts';
import { displayConfigSchema, SCREEN_WORD_KEYS, screenLanguage } from './screen-language.ts';
import { displayPages, type DisplayDock } from './station-display.ts';

const FAULTS = FAULT_CODES.filter((e) => e.kind === 'fault');
const RED_PIN = 3;

const coded = (n: number, faultCode: string, extra: Partial<DisplayDock> = {}): DisplayDock => ({
  dock: n,
  state: 'fault',
  socPct: 50,
  doNotDispatch: false,
  faultCode,
  ...extra,
});

/** What an A00 screen shows for a line, padded to 20 glyphs (STÖRUNG becomes STOERUNG, ß the ROM's β). */
const onScreen = (line: string) => decodeLcdCodes(encodeLcdText(line, 'a00')).padEnd(20);

const boards: IoBoard[] = [];
afterEach(async () => {
  for (const b of boards.splice(0)) await b.close();
});

async function rig() {
  const clock = new ManualClock(0);
  const board = await IoBoard.open(
    parseIoBoardConfig({
      io: { type: 'virtual' },
      leds: {
        'dock-1': { type: 'rgb', pins: { red: RED_PIN, green: 5, blue: 6 } },
        status: { type: 'single', pins: { green: 12, red: 13 } },
      },
    }),
    { clock },
  );
  boards.push(board);
  const v = board.virtual;
  if (!v) throw new Error('expected the virtual IO');
  return { clock, board, v, loop: new DisplayRenderer(board, clock) };
}

describe('each fault code on the virtual I/O board', () => {
  it.each(FAULTS.map((e) => [e.code, e] as const))(
    '%s: screen lines and LED pattern as the table says',
    async (_c, e) => {
      const { clock, v, loop } = await rig();
      loop.update({ docks: [coded(1, e.code)], linkUp: true });
      const de = e.text.de;
      expect(v.lcd().lines).toEqual(
        ['Dock 1: STÖRUNG', `${e.code} ${de.title}`, e.touchPack ? TOUCH_TEXT.de.yes : TOUCH_TEXT.de.no, de.action].map(
          onScreen,
        ),
      );
      // The red channel over two cycles, sampled every 125 ms animation step, against the table's sequence.
      if (!e.led) throw new Error(`${e.code} has no LED pattern`);
      const seq = ledCodeSequence(e.led);
      const cycle = seq.reduce((a, b) => a + b, 0);
      const expectedAt = (t: number) => {
        let at = t % cycle;
        for (const [i, ms] of seq.entries()) {
          if (at < ms) return i % 2 === 0 ? 255 : 0;
          at -= ms;
        }
        return 0;
      };
      let flashes = 0;
      let wasOn = false;
      for (let t = 0; t < 2 * cycle; t += 125) {
        const level = v.pinState(RED_PIN).value;
        expect(level, `${e.code} at ${t} ms`).toBe(expectedAt(t));
        expect(v.pinState(5).value).toBe(0); // pure red: no green mixed in
        if (level > 0 && !wasOn) flashes++;
        wasOn = level > 0;
        clock.advance(125);
      }
      // Two cycles: the code's digits, twice (E12: 1 + 2 flashes per cycle).
      expect(flashes).toBe(2 * (e.led.pulses[0] + e.led.pulses[1]));
    },
  );

  it('asks for the long press once the cause of a serious fault is gone', async () => {
    const { v, loop } = await rig();
    loop.update({ docks: [coded(1, 'E31', { awaitingAck: true })], linkUp: true });
    expect(v.lcd().lines.slice(1)).toEqual(
      ['E31 Lader bleibt an', 'Ursache behoben.', 'Taste lang drücken'].map(onScreen),
    );
  });

  it('shows the most urgent fault first, whatever the dock order', () => {
    const docks = [coded(1, 'E13'), coded(2, 'E51'), coded(3, 'E31'), coded(4, 'E12')];
    expect(
      displayPages({ docks })
        .slice(0, 4)
        .map((p) => p[1]?.slice(0, 3)),
    ).toEqual(['E31', 'E12', 'E13', 'E51']);
  });

  it('speaks English when the station config says so, and a third language from the config', () => {
    const en = screenLanguage({ language: 'en', languages: {} });
    expect(displayPages({ docks: [coded(2, 'E12')], language: en })[0]).toEqual([
      'Dock 2: FAULT',
      'E12 Pack too hot',
      'Do not touch',
      'Wait for green',
    ]);
    // A third language: every screen word from the config, one code translated, the others fall back to English.
    const words = Object.fromEntries(SCREEN_WORD_KEYS.map((k) => [k, `tr-${k}`.slice(0, 20)]));
    const cfg = displayConfigSchema.parse({
      language: 'tr',
      languages: {
        tr: { words: { ...words, fault: 'ARIZA' }, codes: { E12: { title: 'Akü çok sıcak', action: 'Yeşili bekle' } } },
      },
    });
    const tr = screenLanguage(cfg);
    expect(displayPages({ docks: [coded(2, 'E12')], language: tr })[0]?.slice(0, 2)).toEqual([
      'Dock 2: ARIZA',
      'E12 Akü çok sıcak',
    ]);
    expect(displayPages({ docks: [coded(2, 'E13')], language: tr })[0]?.[1]).toBe('E13 Pack too cold');
    // A language the config names but does not define, an over-long word, an unknown code: refused with the path.
    const bad = displayConfigSchema.safeParse({
      language: 'fr',
      languages: { tr: { words: { ...words, fault: 'x'.repeat(21) }, codes: { E99: { title: 'a', action: 'b' } } } },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['languages.tr.codes.E99', 'languages.tr.words.fault', 'language'].sort());
  });

  it('no line of any code, language or charset is longer than 20 glyphs', () => {
    for (const lang of FAULT_LANGUAGES) {
      const language = screenLanguage({ language: lang, languages: {} });
      for (const e of FAULTS) {
        for (const awaitingAck of [false, true]) {
          const [page] = displayPages({ docks: [coded(100, e.code, { awaitingAck })], language });
          if (!page) throw new Error('no page');
          for (const charset of ['a00', 'ascii'] as const)
            for (const line of page)
              expect(encodeLcdText(line, charset).length, `${e.code} ${lang} ${charset}: ${line}`).toBeLessThanOrEqual(
                20,
              );
        }
      }
    }
  });
});
