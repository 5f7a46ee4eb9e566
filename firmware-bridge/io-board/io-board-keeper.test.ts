// The keeper's reconnect logic on the virtual IO and a manual clock: a lost board is reopened with doubling waits,
// everything asked while it was away is painted on the new one, buttons carry over, and a silent board counts as lost.
// (Against real firmware: test/hardware/uno-firmata.test.ts.)

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { parseIoBoardConfig } from './io-board-config.ts';
import { IoBoardKeeper } from './io-board-keeper.ts';
import { IoBoard, IoBoardError, type IoBoardOptions } from './io-board.ts';

const cfg = parseIoBoardConfig({
  io: { type: 'virtual' },
  leds: { 'dock-1': { type: 'single', pins: { green: 2, red: 4 } } },
  buttons: { acknowledge: { pin: 16 } },
});

/** Opens virtual boards and keeps each one's onError, so a test can say "its port closed". */
function boards(clock: ManualClock) {
  const opened: Array<{ board: IoBoard; onError: IoBoardOptions['onError'] }> = [];
  let failing = 0;
  const attempts: number[] = [];
  return {
    opened,
    attempts,
    failNext(n: number) {
      failing = n;
    },
    async open(c: typeof cfg, o: IoBoardOptions): Promise<IoBoard> {
      attempts.push(clock.monotonic());
      if (failing > 0) {
        failing--;
        throw new IoBoardError('OPEN_FAILED', 'no such port');
      }
      const board = await IoBoard.open(c, o);
      opened.push({ board, onError: o.onError });
      return board;
    },
    closePort(i: number) {
      opened[i]?.onError?.(new IoBoardError('CLOSED', 'the I/O board closed its connection'));
    },
  };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe('IoBoardKeeper', () => {
  const keepers: IoBoardKeeper[] = [];
  afterEach(async () => {
    for (const k of keepers.splice(0)) await k.close();
  });

  it('reopens a lost board with doubling waits and paints what was asked meanwhile', async () => {
    const clock = new ManualClock(0);
    const b = boards(clock);
    const status: string[] = [];
    const keeper = await IoBoardKeeper.open(cfg, {
      clock,
      openBoard: (c, o) => b.open(c, o),
      onStatus: (up) => status.push(up ? 'up' : 'down'),
      pingEveryMs: 60_000,
    });
    keepers.push(keeper);
    let presses = 0;
    keeper.onButton('acknowledge', 'press', () => presses++);

    b.closePort(0);
    expect(keeper.connected).toBe(false);
    keeper.setLed('dock-1', { color: 'red', pattern: 'on' });
    keeper.showLines(['Dock 1', 'weg', '', '']);
    b.failNext(2);
    await clock.advanceAsync(8000, 50);
    // 500 ms after the loss, then 1000 and 2000 ms after each failure.
    expect(b.attempts.slice(1)).toEqual([500, 1500, 3500]);
    expect(keeper.connected).toBe(true);
    expect(keeper.reconnects).toBe(1);
    expect(status).toEqual(['down', 'up']);

    const io = keeper.virtual;
    if (!io) throw new Error('expected the virtual IO');
    expect([io.pinState(2).value, io.pinState(4).value]).toEqual([0, 255]); // the virtual pins dim: 255 is full on
    expect(io.lcd().lines[1]?.trimEnd()).toBe('weg');
    io.press(16);
    // johnny-five debounces the button for 7 ms on real timers: wait for the event.
    await waitFor(() => presses > 0, { what: 'the button press through johnny-five' });
    expect(presses).toBe(1);
    expect(keeper.snapshot().leds['dock-1']).toEqual({ color: 'red', pattern: 'on' });
  });

  it('counts a board that stops answering its ping as lost, and stops reopening once closed', async () => {
    const clock = new ManualClock(0);
    const b = boards(clock);
    const keeper = await IoBoardKeeper.open(cfg, {
      clock,
      openBoard: async (c, o) => {
        const board = await b.open(c, o);
        // The first board goes silent: its pings are never answered.
        if (b.opened.length === 1) board.ping = () => new Promise<void>(() => {});
        return board;
      },
      pingEveryMs: 1000,
      replyTimeoutMs: 1500,
    });
    keepers.push(keeper);
    clock.advance(1000 + 1499);
    await settle();
    expect(keeper.connected).toBe(true);
    clock.advance(1);
    expect(keeper.connected).toBe(false);
    clock.advance(500);
    await settle();
    expect(keeper.connected).toBe(true);
    await keeper.close();
    clock.advance(60_000);
    await settle();
    expect(b.opened).toHaveLength(2);
  });

  it('refuses unknown LEDs and buttons as the board does', async () => {
    const clock = new ManualClock(0);
    const keeper = await IoBoardKeeper.open(cfg, { clock });
    keepers.push(keeper);
    expect(() => keeper.setLed('dock-9', { color: 'red', pattern: 'on' })).toThrow(/no LED "dock-9"/);
    expect(() => keeper.onButton('maintenance', 'press', () => undefined)).toThrow(/no button "maintenance"/);
  });
});
