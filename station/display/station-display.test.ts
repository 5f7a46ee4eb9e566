// What the trainees see: each dock state's LED, the German lines (faults first), paging through 8 docks on the clock,
// and the loop driving a real I/O board on the virtual IO, read back from the decoded LCD bytes.

import { afterEach, describe, expect, it } from 'vitest';
import type { DockState } from '../../contract/messages.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { encodeLcdText } from '../../firmware-bridge/io-board/hd44780-charset.ts';
import { parseIoBoardConfig } from '../../firmware-bridge/io-board/io-board-config.ts';
import { IoBoard, type LcdLines, type LedSetting } from '../../firmware-bridge/io-board/io-board.ts';
import { DisplayRenderer, type DisplaySink } from './display-renderer.ts';
import {
  computeDisplay,
  displayPages,
  dockLed,
  overviewLine,
  PAGE_MS,
  statusLed,
  type DisplayDock,
} from './station-display.ts';

const dock = (n: number, state: DockState, extra: Partial<DisplayDock> = {}): DisplayDock => ({
  dock: n,
  state,
  socPct: state === 'empty' ? null : 50,
  doNotDispatch: false,
  ...extra,
});

describe('LEDs', () => {
  it.each<[DockState, LedSetting['color'], LedSetting['pattern']]>([
    ['full', 'green', 'on'],
    ['charging', 'green', 'blink'],
    ['balancing', 'blue', 'on'],
    ['fault', 'red', 'blink'],
    ['maintenance', 'amber', 'on'],
    ['idle', 'green', 'pulse'],
  ])('%s -> %s %s', (state, color, pattern) => {
    expect(dockLed(dock(1, state))).toEqual({ color, pattern });
  });

  it('empty is off', () => {
    expect(dockLed(dock(1, 'empty')).pattern).toBe('off');
  });

  it('do-not-dispatch is red steady over any state but a fault, which blinks', () => {
    expect(dockLed(dock(1, 'full', { doNotDispatch: true }))).toEqual({ color: 'red', pattern: 'on' });
    expect(dockLed(dock(1, 'idle', { doNotDispatch: true }))).toEqual({ color: 'red', pattern: 'on' });
    expect(dockLed(dock(1, 'fault', { doNotDispatch: true }))).toEqual({ color: 'red', pattern: 'blink' });
  });

  it('the station LED shows the MQTT link', () => {
    expect(statusLed(true)).toEqual({ color: 'green', pattern: 'on' });
    expect(statusLed(false)).toEqual({ color: 'red', pattern: 'blink' });
    const out = computeDisplay({ docks: [dock(1, 'full'), dock(2, 'charging')], linkUp: false, now: 0 });
    expect(out.leds).toEqual([
      { name: 'dock-1', setting: { color: 'green', pattern: 'on' } },
      { name: 'dock-2', setting: { color: 'green', pattern: 'blink' } },
      { name: 'status', setting: { color: 'red', pattern: 'blink' } },
    ]);
  });
});

describe('bay LEDs', () => {
  it('shows each configured bay: empty off, fault red, service due amber, nothing to do green', () => {
    const out = computeDisplay({
      docks: [dock(1, 'full')],
      linkUp: true,
      now: 0,
      bays: [1, 2, 3, 4],
      rickshaws: [
        { bay: 2, label: 'Rikscha 3', messages: ['Motor zu heiß', 'Bremsen prüfen'], fault: true },
        { bay: 3, label: 'Rikscha 5', messages: ['Bremsen prüfen'], fault: false },
        { bay: 4, label: 'Rikscha 7', messages: [], fault: false },
      ],
    });
    const led = (name: string) => out.leds.find((l) => l.name === name)?.setting;
    expect(led('bay-1')?.pattern).toBe('off');
    expect(led('bay-2')).toEqual({ color: 'red', pattern: 'blink' });
    expect(led('bay-3')).toEqual({ color: 'amber', pattern: 'blink' });
    expect(led('bay-4')).toEqual({ color: 'green', pattern: 'on' });
    // A bay that is not configured has no LED, whatever the list says.
    expect(computeDisplay({ docks: [], linkUp: true, now: 0, rickshaws: [] }).leds.map((l) => l.name)).toEqual([
      'status',
    ]);
  });
});

describe('screen', () => {
  it('shows a fault first, in plain German', () => {
    const docks = [dock(1, 'full'), dock(3, 'fault', { code: 'temperature', maxTempC: 52, doNotDispatch: true })];
    const out = computeDisplay({ docks, linkUp: true, now: 0 });
    expect(out.lines).toEqual(['Dock 3: STÖRUNG', 'Akku zu heiß', 'Nicht ausgeben!', 'Mechaniker rufen']);
  });

  it('says too cold, asks for the button once the cause is gone, and says when charging merely stopped', () => {
    const [page] = displayPages({
      docks: [dock(2, 'fault', { code: 'temperature', maxTempC: -3, awaitingAck: true })],
    });
    expect(page).toEqual(['Dock 2: STÖRUNG', 'Akku zu kalt', 'Ursache behoben:', 'Taste drücken']);
  });

  it('puts blocked packs after faults and before the overview', () => {
    const pages = displayPages({
      docks: [dock(1, 'full', { doNotDispatch: true, code: 'retire' }), dock(2, 'fault', { code: 'stale-bms' })],
    });
    expect(pages.map((p) => p[0])).toEqual(['Dock 2: STÖRUNG', 'Dock 1: GESPERRT', 'Dock 1 GESPERRT  50%']);
    expect(pages[1]?.[1]).toBe('Akku ausmustern');
    expect(pages[0]?.[1]).toBe('Keine Akku-Daten');
  });

  it('lists the packs to take for a booking', () => {
    const docks = [dock(1, 'full', { bookingId: 'b1' }), dock(4, 'charging', { bookingId: 'b1' }), dock(5, 'full')];
    const pages = displayPages({ docks, bookingLabels: { b1: '14:30' } });
    expect(pages[0]).toEqual(['Fahrt 14:30:', 'bitte nehmen', 'Dock 1, 4', '']);
    const many = Array.from({ length: 12 }, (_, i) => dock(i + 1, 'full', { bookingId: 'b2' }));
    expect(displayPages({ docks: many })[0]).toEqual([
      'Für die Fahrt:',
      'bitte nehmen',
      'Dock 1, 2, 3, 4, 5',
      '6, 7, 8, 9, 10 +2',
    ]);
  });

  it('writes one 20-character line per dock, SoC on the right', () => {
    expect(overviewLine(dock(1, 'charging', { socPct: 45.4 }))).toBe('Dock 1 lädt      45%');
    expect(overviewLine(dock(12, 'balancing', { socPct: 99 }))).toBe('Dock 12 Ausgleic 99%');
    expect(overviewLine(dock(7, 'empty'))).toBe('Dock 7 frei'.padEnd(20));
    for (const charset of ['a00', 'ascii'] as const) {
      for (const s of ['empty', 'idle', 'charging', 'balancing', 'full', 'fault', 'maintenance'] as const) {
        // 20 glyphs as the screen shows them, so the SoC keeps the last columns.
        const glyphs = encodeLcdText(overviewLine(dock(100, s, { socPct: 100 }), charset), charset);
        expect(glyphs).toHaveLength(20);
      }
    }
  });

  it('pages through 8 docks every 3 s on the clock, the fault page included', () => {
    const states: DockState[] = ['full', 'charging', 'fault', 'idle', 'empty', 'balancing', 'maintenance', 'full'];
    const docks = states.map((s, i) => dock(i + 1, s, s === 'fault' ? { code: 'cell-spread' } : {}));
    const at = (now: number) => computeDisplay({ docks, linkUp: true, now });
    expect(at(0).pages).toBe(3);
    expect(at(0).lines[0]).toBe('Dock 3: STÖRUNG');
    expect(at(PAGE_MS - 1).lines[0]).toBe('Dock 3: STÖRUNG');
    expect(at(PAGE_MS).lines).toEqual([
      'Dock 1 voll      50%',
      'Dock 2 lädt      50%',
      'Dock 3 STÖRUNG  50%',
      'Dock 4 wartet    50%',
    ]);
    expect(at(2 * PAGE_MS).lines).toEqual([
      'Dock 5 frei'.padEnd(20),
      'Dock 6 Ausgleich 50%',
      'Dock 7 Wartung   50%',
      'Dock 8 voll      50%',
    ]);
    expect(at(3 * PAGE_MS)).toEqual(at(0));
  });
});

describe('DisplayRenderer', () => {
  const boards: IoBoard[] = [];
  afterEach(async () => {
    for (const b of boards.splice(0)) await b.close();
  });

  it('skips LEDs the board lacks and passes the lines on', () => {
    const leds: Array<[string, LedSetting]> = [];
    const shown: LcdLines[] = [];
    const sink: DisplaySink = {
      ledNames: ['dock-1', 'status'],
      setLed: (n, s) => leds.push([n, s]),
      showLines: (l) => shown.push(l),
    };
    new DisplayRenderer(sink, new ManualClock(0)).update({ docks: [dock(1, 'full'), dock(2, 'full')], linkUp: true });
    expect(leds.map(([n]) => n)).toEqual(['dock-1', 'status']);
    expect(shown).toHaveLength(1);
  });

  it('drives a real board: the decoded screen and the LED pins follow the docks and the clock', async () => {
    const clock = new ManualClock(0);
    const cfg = parseIoBoardConfig({
      io: { type: 'virtual' },
      leds: {
        'dock-1': { type: 'rgb', pins: { red: 3, green: 5, blue: 6 } },
        status: { type: 'single', pins: { green: 12, red: 13 } },
      },
    });
    const board = await IoBoard.open(cfg, { clock });
    boards.push(board);
    const v = board.virtual;
    if (!v) throw new Error('expected the virtual IO');
    const loop = new DisplayRenderer(board, clock);
    const input = {
      docks: [dock(1, 'fault', { code: 'temperature', maxTempC: 60, doNotDispatch: true }), dock(2, 'full')],
      linkUp: true,
    };
    loop.update(input);
    expect(v.lcd().lines.map((l) => l.trimEnd())).toEqual([
      'Dock 1: STOERUNG',
      'Akku zu heiß',
      'Nicht ausgeben!',
      'Mechaniker rufen',
    ]);
    expect([v.pinState(3).value, v.pinState(5).value]).toEqual([255, 0]);
    expect(v.pinState(12).value).toBe(255);
    clock.advance(PAGE_MS);
    loop.update(input);
    expect(v.lcd().lines[1]).toBe('Dock 2 voll      50%');
    expect(v.pinState(3).value).toBe(255); // blink phase: 3000 ms is the start of an "on" half
    clock.advance(500);
    expect(v.pinState(3).value).toBe(0);
  });
});

describe('an unconfirmed safety action', () => {
  it('outranks every fault on the screen, in two pages of plain German, and flashes the dock LED', () => {
    const docks = [
      dock(1, 'fault', { code: 'temperature', maxTempC: 50 }),
      dock(2, 'fault', { code: 'charger-not-off', alarm: 'charge-fet-stuck' }),
    ];
    const pages = displayPages({ docks });
    expect(pages[0]).toEqual(['Dock 2: GEFAHR', 'Ladeschalter ließ', 'sich nicht öffnen:', 'Akku abziehen,']);
    expect(pages[1]).toEqual(['Dock 2: GEFAHR', 'Akku abziehen,', 'Mechaniker rufen!', 'Lader: Netzschalter']);
    expect(pages[2]?.[0]).toBe('Dock 1: STÖRUNG');
    expect(pages.every((p) => p.every((l) => l.length <= 20))).toBe(true);
    const out = computeDisplay({ docks, linkUp: true, now: 0 });
    expect(out.leds.find((l) => l.name === 'dock-2')?.setting).toEqual({ color: 'white', pattern: 'blink' });
    expect(out.leds.find((l) => l.name === 'dock-1')?.setting).toEqual({ color: 'red', pattern: 'blink' });
  });
});
