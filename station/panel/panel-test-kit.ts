// The station's board in the panel tests: a virtual I/O board with one RGB dock LED and the acknowledge button, driven
// by the real charging core of a test rig on a manual clock, with a tick, a finger on the button and the screen.

import { pino } from 'pino';
import { afterEach, vi } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { parseIoBoardConfig } from '../../firmware-bridge/io-board/io-board-config.ts';
import type { VirtualIo } from '../../firmware-bridge/io-board/virtual-io.ts';
import type { Rig } from '../charging/charging-test-kit.ts';
import type { DockDevices } from '../devices/dock-devices.ts';
import { StationBoard } from '../display/station-board.ts';
import type { Procedure } from '../procedures/procedure-config.ts';

export const ACK_PIN = 2;

export interface RecordedEvent {
  type: string;
  dock: number | undefined;
  data: Record<string, unknown>;
  severity: string | undefined;
}

const open: StationBoard[] = [];

/** Closes the boards a test opened and gives the timers back; call once at the top of a test file. */
export function closeBoardsAfterEach(): void {
  afterEach(async () => {
    for (const b of open.splice(0)) await b.close();
    vi.useRealTimers();
  });
}

export async function openTestBoard(
  rig: Rig,
  opts: {
    clockStartMs?: number;
    procedures?: readonly Procedure[];
    traineeNumbers?: number;
    /** The dock devices the board reads the SoC from (none by default). */
    devices?: () => Map<number, DockDevices>;
  } = {},
) {
  // johnny-five's Button debounces on the global timers; our gestures run on the injected clock.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const clock = new ManualClock(opts.clockStartMs ?? 0);
  const events: RecordedEvent[] = [];
  const board = await StationBoard.open(
    parseIoBoardConfig({
      io: { type: 'virtual' },
      leds: { 'dock-1': { type: 'rgb', pins: { red: 3, green: 5, blue: 6 } } },
      buttons: { acknowledge: { pin: ACK_PIN, holdMs: 1500 } },
    }),
    {
      clock,
      log: pino({ level: 'silent' }),
      controller: rig.controller,
      views: () => rig.controller.views(),
      record: (type, dock, _m, data, severity) => events.push({ type, dock, data, severity }),
      procedures: opts.procedures ?? [],
      ...(opts.traineeNumbers !== undefined ? { traineeNumbers: opts.traineeNumbers } : {}),
    },
  );
  open.push(board);
  const v = board.board.virtual as VirtualIo;
  /** One station tick: the charging core, then the board (which lets a procedure or prompt see the docks). */
  const tick = async (ms = 100) => {
    rig.step(ms);
    // The board keeper's pings are answered in microtasks: let them settle as the real event loop would.
    await clock.advanceAsync(ms, 10);
    board.update(rig.controller.views(), opts.devices?.() ?? new Map(), true);
  };
  const ticks = async (n: number) => {
    for (let i = 0; i < n; i++) await tick();
  };
  /** A finger on the button for `ms`, with johnny-five's and our debounce let through. */
  const press = async (ms: number) => {
    v.press(ACK_PIN);
    await vi.advanceTimersByTimeAsync(10);
    await clock.advanceAsync(ms, 50);
    v.release(ACK_PIN);
    await vi.advanceTimersByTimeAsync(10);
    await clock.advanceAsync(100, 50);
    await tick();
  };
  const screen = () => v.lcd().lines.map((l) => l.trimEnd());
  return { v, clock, tick, ticks, press, screen, events, board };
}
