// The I/O board model keeps exactly what the station last wrote: LED colour and pattern, 4 lines of 20 characters.

import { describe, expect, it } from 'vitest';
import { IoBoardModel } from './io-board-model.ts';

describe('IoBoardModel', () => {
  it('keeps LEDs as written and lists declared ones as off', () => {
    const b = new IoBoardModel(['status', 'dock-1']);
    b.setLed('dock-1', { colour: 'red', pattern: 'blink-fast' });
    b.setLed('status', { colour: 'green', pattern: 'off' });
    expect(b.snapshot().leds).toEqual([
      { id: 'status', colour: 'off', pattern: 'off' },
      { id: 'dock-1', colour: 'red', pattern: 'blink-fast' },
    ]);
    expect(() => b.setLed('x', { colour: 'pink' as 'red', pattern: 'on' })).toThrow(/unknown colour pink/);
  });

  it('prints at a position, cuts at the edge, and clears', () => {
    const b = new IoBoardModel();
    b.setLine(1, 'Akku 3: Fehler');
    b.print(1, 15, 'ABCDEFGH');
    b.print(2, 0, 'Temperatur 47 °C');
    expect(b.lcdLines()).toEqual([' '.repeat(20), 'Akku 3: Fehler ABCDE', 'Temperatur 47 °C    ', ' '.repeat(20)]);
    expect(() => b.print(4, 0, 'x')).toThrow(RangeError);
    b.clearLcd();
    expect(b.lcdLines().every((l) => l === ' '.repeat(20))).toBe(true);
  });

  it('reports button presses to the station', () => {
    const b = new IoBoardModel();
    const got: string[] = [];
    b.onButton((id) => got.push(id));
    b.press('ack');
    b.press('ack');
    expect(got).toEqual(['ack', 'ack']);
    expect(b.snapshot().buttons).toEqual({ ack: 2 });
  });
});
