// The station's buttons on the virtual I/O board, against the real charging core: a serious fault is not acknowledged
// while its cause is present (and the screen says so), and is once it is gone; maintenance picked and switched at the
// station turns the charger off and the dock LED amber; bounce and a held button do not step twice.

import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { parseIoBoardConfig } from '../../firmware-bridge/io-board/io-board-config.ts';
import type { VirtualIo } from '../../firmware-bridge/io-board/virtual-io.ts';
import { Rig, simDock, view } from '../charging/charging-test-kit.ts';
import { StationBoard } from '../display/station-board.ts';
import { PAGE_MS } from '../display/station-display.ts';
import { MESSAGE_MS } from './station-panel.ts';

const ACK = 2;
const MAINT = 4;
const open: StationBoard[] = [];
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
  vi.useRealTimers();
});

async function station(rig: Rig) {
  // johnny-five's Button debounces on the global timers; our gestures run on the injected clock.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const clock = new ManualClock(0);
  const events: Array<{ type: string; dock: number | undefined; data: Record<string, unknown> }> = [];
  const board = await StationBoard.open(
    parseIoBoardConfig({
      io: { type: 'virtual' },
      leds: { 'dock-1': { type: 'rgb', pins: { red: 3, green: 5, blue: 6 } } },
      buttons: { acknowledge: { pin: ACK, holdMs: 1500 }, maintenance: { pin: MAINT, holdMs: 1500 } },
    }),
    {
      clock,
      log: pino({ level: 'silent' }),
      controller: rig.controller,
      views: () => rig.controller.views(),
      record: (type, dock, _m, data) => events.push({ type, dock, data }),
    },
  );
  open.push(board);
  const v = board.board.virtual as VirtualIo;
  const show = () => board.update(rig.controller.views(), new Map(), true);
  /** A finger on the button for `ms`, with johnny-five's and our debounce let through. */
  const press = async (pin: number, ms: number) => {
    v.press(pin);
    await vi.advanceTimersByTimeAsync(10);
    clock.advance(ms);
    v.release(pin);
    await vi.advanceTimersByTimeAsync(10);
    clock.advance(100);
    show();
  };
  return { v, clock, show, press, events };
}

const screen = (v: VirtualIo) => v.lcd().lines.map((l) => l.trimEnd());

describe('station buttons', () => {
  it('a serious fault is refused while its cause is present, and acknowledged once it is gone', async () => {
    const rig = new Rig([simDock(1)]);
    rig.run(30);
    expect(view(rig.log.at(-1) ?? rig.step(), 1).state).toBe('charging');
    // A charger relay that sticks: told off (stop-charging), it stays on -> charger-not-off, serious.
    rig.dock(1).stuckRelay = true;
    rig.controller.stopCharging(1);
    let r = rig.run(60);
    expect(view(r, 1).state).toBe('fault');
    expect(view(r, 1).code).toBe('charger-not-off');
    const { v, clock, show, press, events } = await station(rig);
    show();
    expect(screen(v).slice(0, 2)).toEqual(['Dock 1: STOERUNG', 'E31 Lader bleibt an']);
    await press(ACK, 2000);
    expect(screen(v)).toEqual(['Dock 1', 'Noch nicht quittiert', 'Ursache ist noch da', '']);
    r = rig.run(5);
    expect(view(r, 1).state).toBe('fault');
    expect(events.at(-1)).toMatchObject({ type: 'station-acknowledge', dock: 1, data: { accepted: false } });
    // The relay is mended: the charger confirms off, the fault waits for a person.
    rig.dock(1).stuckRelay = false;
    r = rig.run(30);
    expect(view(r, 1).awaitingAck).toBe(true);
    clock.advance(MESSAGE_MS);
    show();
    expect(screen(v).slice(2)).toEqual(['Ursache behoben.', 'Taste lang drücken']);
    await press(ACK, 2000);
    expect(screen(v)[1]).toBe('Quittiert');
    r = rig.run(2);
    expect(view(r, 1).state).not.toBe('fault');
  });

  it('a long press acknowledges the dock on screen when it began, though the page turns during the hold', async () => {
    const rig = new Rig([simDock(1), simDock(2)]);
    rig.run(30);
    // Both chargers stick; dock 2's relay stays stuck (its fault is still there), dock 1's is mended.
    rig.dock(1).stuckRelay = true;
    rig.dock(2).stuckRelay = true;
    rig.controller.stopCharging(1);
    rig.controller.stopCharging(2);
    rig.run(60);
    rig.dock(1).stuckRelay = false;
    let r = rig.run(30);
    expect(view(r, 1).awaitingAck).toBe(true);
    expect(view(r, 2).state).toBe('fault');
    const { v, clock, show, events } = await station(rig);
    show();
    for (let i = 0; i < 6 && !screen(v)[0]?.startsWith('Dock 1:'); i++) {
      clock.advance(PAGE_MS);
      show();
    }
    expect(screen(v)[0]).toBe('Dock 1: STOERUNG');
    // Pressed on dock 1's page, just before the rotation turns to dock 2's.
    clock.advance(PAGE_MS - (clock.now() % PAGE_MS) - 400);
    show();
    expect(screen(v)[0]).toBe('Dock 1: STOERUNG');
    v.press(ACK);
    await vi.advanceTimersByTimeAsync(10);
    clock.advance(400);
    show();
    expect(screen(v)[0]).toBe('Dock 2: STOERUNG');
    clock.advance(1300);
    v.release(ACK);
    await vi.advanceTimersByTimeAsync(10);
    clock.advance(100);
    expect(events.at(-1)).toMatchObject({ type: 'station-acknowledge', dock: 1, data: { accepted: true } });
    r = rig.run(2);
    expect(view(r, 1).state).not.toBe('fault');
    expect(view(r, 2).state).toBe('fault');
  });

  it('maintenance picked and switched at the station turns the charger off and the LED amber', async () => {
    const rig = new Rig([simDock(1)]);
    rig.run(30);
    expect(rig.dock(1).out.on).toBe(true);
    const { v, show, press, events } = await station(rig);
    show();
    await press(MAINT, 200);
    expect(screen(v)).toEqual(['WARTUNG', 'Dock 1: lädt', 'Kurz: weiter', 'Lang: auswählen']);
    await press(MAINT, 2000);
    expect(screen(v)).toEqual(['WARTUNG', 'Dock 1', 'Wartung an', 'Lader ist aus']);
    const r = rig.step();
    expect(r.commands).toContainEqual(expect.objectContaining({ dock: 1, kind: 'off' }));
    expect(view(r, 1).state).toBe('maintenance');
    expect(rig.dock(1).out.on).toBe(false);
    show();
    // Amber on an RGB LED: red full, a little green.
    expect([v.pinState(3).value, v.pinState(5).value, v.pinState(6).value]).toEqual([255, 70, 0]);
    expect(events.at(-1)).toMatchObject({ type: 'station-maintenance', dock: 1, data: { on: true } });
  });

  it('a bouncing press turns one page, a held one none', async () => {
    const rig = new Rig([1, 2, 3, 4, 5].map((n) => simDock(n)));
    rig.run(30);
    const { v, clock, show, press } = await station(rig);
    show();
    const first = screen(v)[0];
    // Bounce: contact made and broken within a few ms, then held briefly.
    for (const ms of [2, 3, 12, 4, 15]) {
      v.press(ACK);
      await vi.advanceTimersByTimeAsync(ms);
      clock.advance(ms);
      v.release(ACK);
      await vi.advanceTimersByTimeAsync(ms);
      clock.advance(ms);
    }
    v.press(ACK);
    await vi.advanceTimersByTimeAsync(10);
    clock.advance(200);
    v.release(ACK);
    await vi.advanceTimersByTimeAsync(10);
    clock.advance(100);
    show();
    const second = screen(v)[0];
    expect(second).not.toBe(first);
    // One turn, not several: two pages (five docks) and the next press brings back the first.
    await press(ACK, 200);
    expect(screen(v)[0]).toBe(first);
  });
});
