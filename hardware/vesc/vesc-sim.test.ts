import { describe, it, expect } from 'vitest';
import { BusError, RequestBus } from '../../firmware-bridge/bus/request-bus.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { createMemoryLink } from '../../firmware-bridge/transports/memory-transport.ts';
import {
  decodeGetValuesReply,
  encodeGetValuesReply,
  vescValuesMask,
} from '../../firmware-bridge/vesc/vesc-commands.ts';
import { VescDriver } from '../../firmware-bridge/vesc/vesc-driver.ts';
import { VescFrameDecoder } from '../../firmware-bridge/vesc/vesc-decoder.ts';
import { DEFAULT_VESC_SIM_FIRMWARE, VescSim } from './vesc-sim.ts';

const geometry = { polePairs: 23, wheelCircumferenceM: 1.65, gearRatio: 1 };

async function rig(opts: { retries?: number; withClock?: boolean } = {}) {
  const clock = new ManualClock();
  const link = createMemoryLink('dock-1-vesc');
  const sim = new VescSim({ transport: link.device, geometry, ...(opts.withClock ? { clock } : {}) });
  await sim.start();
  await link.host.open();
  const bus = new RequestBus(link.host, { clock });
  const driver = new VescDriver(bus, {
    device: 'dock-1-vesc',
    timeoutMs: 100,
    retries: opts.retries ?? 0,
    odometer: geometry,
  });
  return { clock, link, sim, bus, driver };
}

/** What the wire can carry of the sim's values: the same fixed-point rounding the driver sees. */
const onTheWire = (sim: VescSim) => {
  const d = decodeGetValuesReply(encodeGetValuesReply(sim.values()));
  if (!d.ok) throw d.error;
  return d.value;
};

describe('VescDriver against the simulated VESC', () => {
  it('readValues returns the values the sim holds', async () => {
    const { sim, driver } = await rig();
    sim.setInputVoltage(51.3);
    sim.setTemperatures({ fetC: 41.5, motorC: 55.2 });
    sim.setFault('OVER_TEMP_MOTOR');
    sim.setSpeedKmh(18);
    sim.setMotorCurrent(22.5);
    sim.ride(1234);
    const r = await driver.readValues();
    const { distanceKm, ...values } = r;
    expect(values).toEqual(onTheWire(sim));
    expect(r.inputV).toBe(51.3);
    expect(r.tempMotorC).toBe(55.2);
    expect(r.fault).toEqual({ code: 6, name: 'OVER_TEMP_MOTOR' });
    expect(r.erpm).toBe(Math.trunc((18 / 3.6 / 1.65) * 60 * 23));
    expect(distanceKm).toBeCloseTo(1.234, 3);
  });

  it('reads the firmware info and a selective set', async () => {
    const { sim, driver } = await rig();
    expect(await driver.readFirmware()).toEqual(DEFAULT_VESC_SIM_FIRMWARE);
    sim.setFault(2);
    const s = await driver.readSelected(vescValuesMask('INPUT_V', 'FAULT', 'TACHOMETER_ABS'));
    expect(Object.keys(s.values).sort()).toEqual(['fault', 'inputV', 'tachometerAbs']);
    expect(s.values.fault?.name).toBe('UNDER_VOLTAGE');
  });

  it('ALIVE and set-points reach the sim, which answers none of them', async () => {
    const { sim, driver, clock, bus } = await rig();
    await driver.alive();
    await driver.setCurrent(12.5);
    await clock.advanceAsync(3);
    expect(sim.requests.map((r) => r.command)).toEqual(['ALIVE', 'SET_CURRENT']);
    expect(sim.lastSetpoint).toEqual({ kind: 'current', amps: 12.5 });
    expect(sim.repliesSent).toBe(0);
    expect(bus.unsolicitedBytes).toBe(0);
  });

  it('a sim that stops answering gives a TIMEOUT BusError', async () => {
    const { sim, driver, clock } = await rig();
    sim.setNoAnswer(true);
    const p = driver.readValues();
    const check = expect(p).rejects.toSatisfy((e: unknown) => e instanceof BusError && e.code === 'TIMEOUT');
    await clock.advanceAsync(120, 10);
    await check;
    expect(driver.counters().timeouts).toBe(1);
    sim.setNoAnswer(false);
    await expect(driver.readValues()).resolves.toBeTruthy();
  });

  it('a corrupted CRC is counted; the retry gets the value', async () => {
    const { sim, driver, clock } = await rig({ retries: 1 });
    sim.corruptNextReplies(1);
    const p = driver.readValues();
    await clock.advanceAsync(150, 10);
    await expect(p).resolves.toMatchObject({ inputV: 50.4 });
    const c = driver.counters();
    expect(c.crcErrors).toBe(1);
    expect(c.badChecksumReplies).toBe(1);
    expect(c.timeouts).toBe(0);
    expect(c.responses).toBe(1);
  });

  it('noise before every reply is skipped and counted', async () => {
    const { sim, driver } = await rig();
    sim.garbageBeforeReplies(17);
    for (let i = 0; i < 5; i++) await driver.readValues();
    const c = driver.counters();
    expect(c.responses).toBe(5);
    expect(c.garbageBytes + c.frameErrors + c.crcErrors).toBeGreaterThan(0);
  });

  it('the odometer grows as the sim rides, in step() and with the clock', async () => {
    const { sim, driver, clock } = await rig({ withClock: true });
    const first = await driver.readValues();
    sim.setSpeedKmh(20);
    await clock.advanceAsync(60_000, 5_000); // one minute at 20 km/h ≈ 333 m
    const second = await driver.readValues();
    sim.step(60_000);
    const third = await driver.readValues();
    expect(first.distanceKm).toBe(0);
    expect(second.distanceKm).toBeCloseTo(1 / 3, 2);
    expect(third.distanceKm).toBeCloseTo(2 / 3, 2);
    expect(third.tachometerAbs).toBeGreaterThan(second.tachometerAbs);
    expect(third.wattHours).toBe(0); // no current asked for, no energy used
  });

  it('reports the app timeout once commands stop coming (with a clock)', async () => {
    const { driver, clock } = await rig({ withClock: true });
    await driver.alive();
    await clock.advanceAsync(10);
    expect((await driver.readValues()).timeoutActive).toBe(false);
    await clock.advanceAsync(1_500, 100);
    expect((await driver.readValues()).timeoutActive).toBe(true);
  });

  it('emits seeded garbage deterministically', async () => {
    const runs: Buffer[] = [];
    for (let i = 0; i < 2; i++) {
      const link = createMemoryLink('g');
      const sim = new VescSim({ transport: link.device, seed: 42 });
      await sim.start();
      await link.host.open();
      const got: Buffer[] = [];
      link.host.onData((c) => got.push(c));
      await sim.emitGarbage(64);
      await new Promise<void>((r) => setImmediate(r));
      runs.push(Buffer.concat(got));
    }
    expect(runs[0]?.length).toBe(64);
    expect(runs[0]).toEqual(runs[1]);
    // Whatever the noise holds, a decoder survives it.
    expect(() => new VescFrameDecoder().push(runs[0] ?? Buffer.alloc(0))).not.toThrow();
  });
});
