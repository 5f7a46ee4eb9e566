import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { rickshawEventDataSchemas } from '../../contract/rickshaws.ts';
import type { VescFirmwareInfo } from '../../firmware-bridge/vesc/vesc-commands.ts';
import type { VescReadings } from '../../firmware-bridge/vesc/vesc-driver.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { DEFAULT_VESC_SIM_FIRMWARE, VescSim } from '../../hardware/vesc/vesc-sim.ts';
import { createMemoryLink } from '../../firmware-bridge/transports/memory-transport.ts';
import { tachoToKm } from '../../firmware-bridge/vesc/vesc-odometer.ts';
import { BayReader, type BayEvent } from './bay-reader.ts';

const geometry = { polePairs: 23, wheelCircumferenceM: 1.65, gearRatio: 1 };
const OTHER_ID = '112233445566778899aabbcc';

/** A controller backed by the simulator's model, answering or not as the test says (no wire: the pty test has one). */
function rig(opts: { readingIntervalMs?: number } = {}) {
  const clock = new ManualClock();
  const sim = new VescSim({ transport: createMemoryLink('unused').device, geometry });
  const state = {
    present: false,
    firmware: DEFAULT_VESC_SIM_FIRMWARE as VescFirmwareInfo,
    override: null as Partial<VescReadings> | null,
  };
  const controller = {
    readFirmware: async () => {
      if (!state.present) throw new Error('timeout');
      return state.firmware;
    },
    readValues: async (): Promise<VescReadings> => {
      if (!state.present) throw new Error('timeout');
      const v = sim.values();
      return { ...v, distanceKm: tachoToKm(v.tachometerAbs, geometry), ...state.override };
    },
  };
  const events: BayEvent[] = [];
  const reader = new BayReader({
    bay: 2,
    controller,
    clock,
    log: pino({ level: 'silent' }),
    pollIntervalMs: 1000,
    readingIntervalMs: opts.readingIntervalMs ?? 10_000,
    missesToLeave: 3,
    idCheckEvery: 5,
    publish: (e) => events.push(e),
  });
  /** Moves the clock one poll at a time and lets each poll's promises settle. */
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      clock.advance(Math.min(1000, ms - t));
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    }
  };
  return { clock, sim, state, reader, events, run, types: () => events.map((e) => e.type) };
}

describe('BayReader', () => {
  it('sees a rickshaw arrive, reads it while docked, and sees it leave when it stops answering', async () => {
    const { sim, state, reader, events, run, types } = rig();
    reader.start();
    await run(3000);
    expect(events).toEqual([]);
    expect(reader.docked).toBeNull();

    sim.ride(12_345);
    state.present = true;
    await run(1000);
    expect(types()).toEqual(['rickshaw-arrived']);
    const arrived = rickshawEventDataSchemas['rickshaw-arrived'].parse(events[0]?.data);
    expect(arrived.hwId).toBe(DEFAULT_VESC_SIM_FIRMWARE.uuid);
    expect(arrived.bay).toBe(2);
    expect(arrived.reading.tachoKm).toBeCloseTo(12.345, 2);
    expect(reader.docked?.hwId).toBe(DEFAULT_VESC_SIM_FIRMWARE.uuid);

    // Readings go out at the reading interval, not at every poll.
    sim.ride(1000);
    await run(10_000);
    expect(types()).toEqual(['rickshaw-arrived', 'rickshaw-reading']);
    const r = rickshawEventDataSchemas['rickshaw-reading'].parse(events[1]?.data);
    expect(r.reading.tachoKm).toBeCloseTo(13.345, 2);

    // A fault goes out at once, with the reading that carries it.
    sim.setFault('OVER_TEMP_MOTOR');
    await run(1000);
    expect(types().at(-1)).toBe('rickshaw-fault');
    expect(events.at(-1)?.severity).toBe('fault');
    expect(rickshawEventDataSchemas['rickshaw-fault'].parse(events.at(-1)?.data).reading.fault.name).toBe(
      'OVER_TEMP_MOTOR',
    );

    // Two missed polls are not yet a departure; the third is.
    state.present = false;
    await run(2000);
    expect(reader.docked).not.toBeNull();
    await run(1000);
    expect(reader.docked).toBeNull();
    const left = rickshawEventDataSchemas['rickshaw-left'].parse(events.at(-1)?.data);
    expect(left.reason).toBe('no-answer');
    expect(left.reading?.fault.code).toBe(6);
    expect(reader.counters.arrivals).toBe(1);
    expect(reader.counters.departures).toBe(1);
    expect(reader.counters.misses).toBe(3);
  });

  it('notices another controller in the bay: the first leaves, the second arrives', async () => {
    const { state, reader, events, run, types } = rig();
    state.present = true;
    reader.start();
    await run(1000);
    expect(types()).toEqual(['rickshaw-arrived']);
    state.firmware = { ...DEFAULT_VESC_SIM_FIRMWARE, uuid: OTHER_ID };
    await run(5000); // the id is asked again every 5 polls
    expect(types()).toEqual(['rickshaw-arrived', 'rickshaw-left', 'rickshaw-arrived']);
    expect(rickshawEventDataSchemas['rickshaw-left'].parse(events[1]?.data).reason).toBe('id-changed');
    expect(rickshawEventDataSchemas['rickshaw-arrived'].parse(events[2]?.data).hwId).toBe(OTHER_ID);
    expect(reader.counters.idChanges).toBe(1);
  });

  it('counts an implausible reading and publishes nothing from it; a controller without an id is not a rickshaw', async () => {
    const { state, reader, events, run } = rig();
    state.present = true;
    state.firmware = { major: 3, minor: 40, hwName: '410' };
    reader.start();
    await run(2000);
    expect(events).toEqual([]);
    expect(reader.counters.noId).toBe(2);

    state.firmware = DEFAULT_VESC_SIM_FIRMWARE;
    state.override = { inputV: 6553.5 };
    await run(2000);
    expect(events).toEqual([]);
    expect(reader.counters.badReadings).toBe(2);
    expect(reader.docked).toBeNull();

    state.override = null;
    await run(1000);
    expect(events.map((e) => e.type)).toEqual(['rickshaw-arrived']);
  });

  it('ends the visit when the line goes away, and when the station stops', async () => {
    const { state, reader, events, run } = rig();
    state.present = true;
    reader.start();
    await run(1000);
    reader.lineLost();
    expect(rickshawEventDataSchemas['rickshaw-left'].parse(events.at(-1)?.data).reason).toBe('line-lost');
    await run(1000);
    expect(events.at(-1)?.type).toBe('rickshaw-arrived');
    await reader.stop();
    expect(rickshawEventDataSchemas['rickshaw-left'].parse(events.at(-1)?.data).reason).toBe('station-stopped');
    const n = events.length;
    await run(5000);
    expect(events.length).toBe(n);
  });
});
