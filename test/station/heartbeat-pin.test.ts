// The I/O board's heartbeat pin toggles once per charge-loop tick and falls silent within one tick period of the
// loop stopping, so an external watchdog relay drops the chargers' enable line when the station dies or hangs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualIo } from '../../firmware-bridge/io-board/virtual-io.ts';
import { startManualStation, type ManualStation } from '../support/manual-station.ts';

const HEARTBEAT_PIN = 8;
let rig: ManualStation;
let io: VirtualIo;

/** Digital writes to the heartbeat pin since `mark`. */
const edges = (mark: number): number[] =>
  io
    .log(mark)
    .filter((r) => r.op === 'digitalWrite' && r.pin === HEARTBEAT_PIN)
    .map((r) => (r as { value: number }).value);

beforeAll(async () => {
  rig = await startManualStation('hb-test', {
    ioBoard: {
      io: { type: 'virtual' },
      leds: { 'dock-1': { type: 'single', pins: { green: 4, red: 5 } } },
      buttons: { acknowledge: { pin: 2 } },
      heartbeat: { pin: HEARTBEAT_PIN },
    },
  });
  const virtual = rig.station.board?.board.virtual;
  if (!virtual) throw new Error('expected the virtual I/O board');
  io = virtual;
});

afterAll(async () => {
  await rig?.stop();
});

describe('heartbeat pin', () => {
  it('toggles once per tick while the loop runs', async () => {
    const mark = io.mark();
    await rig.ticks(10);
    const written = edges(mark);
    expect(written.length).toBeGreaterThanOrEqual(9);
    expect(written.length).toBeLessThanOrEqual(11);
    // Alternating levels: every write is an edge.
    for (let i = 1; i < written.length; i++) expect(written[i]).not.toBe(written[i - 1]);
  });

  it('stops toggling within one tick period of the loop stopping, and is left low', async () => {
    rig.station.loop.stop();
    await rig.ticks(1);
    const mark = io.mark();
    await rig.ticks(20);
    expect(edges(mark)).toEqual([]);
    await rig.station.board?.close();
    expect(io.pinState(HEARTBEAT_PIN).value).toBe(0);
  });
});
