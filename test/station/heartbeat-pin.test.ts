// The I/O board's heartbeat pin toggles once per charge-loop tick and falls silent within one tick period of the
// loop stopping, so an external watchdog relay drops the chargers' enable line when the station dies or hangs.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { SimStation } from '../../hardware/station-sim/sim-station.ts';
import type { VirtualIo } from '../../firmware-bridge/io-board/virtual-io.ts';
import { parseStationConfig } from '../../station/config/station-config.ts';
import { startStation, type StationHandle } from '../../station/station.ts';

const HEARTBEAT_PIN = 8;
const TICK_MS = 100;
const clock = new ManualClock();
let sim: SimStation;
let station: StationHandle;
let io: VirtualIo;

/** Digital writes to the heartbeat pin since `mark`. */
const edges = (mark: number): number[] =>
  io
    .log(mark)
    .filter((r) => r.op === 'digitalWrite' && r.pin === HEARTBEAT_PIN)
    .map((r) => (r as { value: number }).value);

beforeAll(async () => {
  sim = new SimStation({
    stationId: 'hb-test',
    docks: [{ dock: 1, batteryId: 'B-1', pack: { series: 13, socPct: 50, seed: 1 }, charger: { unit: 1 } }],
    clock,
    speed: 1,
    seed: 3,
  });
  await sim.start();
  const config = parseStationConfig({
    stationId: 'hb-test',
    dataDir: join(mkdtempSync(join(tmpdir(), 'rikscha-hb-')), 'station'),
    // Nobody listens there: the station runs without its link, as it must.
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    tickMs: TICK_MS,
    docks: [
      {
        dock: 1,
        bms: { type: 'jbd', port: sim.bmsAddress(1) },
        charger: { type: 'riden', port: sim.chargerAddress(1) ?? undefined },
      },
    ],
    ioBoard: {
      io: { type: 'virtual' },
      leds: { 'dock-1': { type: 'single', pins: { green: 4, red: 5 } } },
      buttons: { acknowledge: { pin: 2 } },
      heartbeat: { pin: HEARTBEAT_PIN },
    },
  });
  station = await startStation(config, { clock, log: pino({ level: 'silent' }), password: 'x' });
  if (!station.board?.board.virtual) throw new Error('expected the virtual I/O board');
  io = station.board.board.virtual;
});

afterAll(async () => {
  await station?.stop();
  await sim?.stop();
});

describe('heartbeat pin', () => {
  it('toggles once per tick while the loop runs', async () => {
    const mark = io.mark();
    for (let i = 0; i < 10; i++) await clock.advanceAsync(TICK_MS, 10);
    const written = edges(mark);
    expect(written.length).toBeGreaterThanOrEqual(9);
    expect(written.length).toBeLessThanOrEqual(11);
    // Alternating levels: every write is an edge.
    for (let i = 1; i < written.length; i++) expect(written[i]).not.toBe(written[i - 1]);
  });

  it('stops toggling within one tick period of the loop stopping, and is left low', async () => {
    station.loop.stop();
    await clock.advanceAsync(TICK_MS, 10);
    const mark = io.mark();
    for (let i = 0; i < 20; i++) await clock.advanceAsync(TICK_MS, 10);
    expect(edges(mark)).toEqual([]);
    await station.board?.close();
    expect(io.pinState(HEARTBEAT_PIN).value).toBe(0);
  });
});
