// The JBD driver against the simulated BMS over serialport's mock binding: the same code path as a real UART.

import { afterEach, describe, expect, it } from 'vitest';
import { BusError, RequestBus } from '../bus/request-bus.ts';
import { systemClock } from '../../lib/clock.ts';
import { SerialTransport } from '../transports/serial-transport.ts';
import { SimDock } from '../../hardware/station-sim/sim-dock.ts';
import { MockSerialDevice } from '../transports/serial-mock-device.ts';
import { JbdBmsDriver } from './jbd-driver.ts';

let n = 0;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const path = `jbd-driver-test-${++n}`;
  const device = new MockSerialDevice(path);
  await device.open();
  const dock = new SimDock({
    dock: 1,
    batteryId: 'RIK-13S-0042',
    pack: { series: 13, capacityAh: 14, socPct: 60, seed: 7 },
    bmsLine: device,
    seed: 7,
  });
  dock.start();
  const host = new SerialTransport(`mock:${path}`, { baudRate: 9600 });
  await host.open();
  const bus = new RequestBus(host, { clock: systemClock });
  // Real time on the mock line: a generous timeout, so a loaded machine does not turn a slow reply into a timeout
  // (these tests count timeouts: 0). Timeouts themselves are tested on a manual clock in request-bus.test.ts.
  const driver = new JbdBmsDriver(bus, { device: 'dock-1/bms', timeoutMs: 5000 });
  cleanups.push(async () => {
    bus.dispose();
    await host.close();
    dock.stop();
    await device.close();
  });
  return { dock, driver, bus };
}

describe('JBD driver over the mock serial binding', () => {
  it('reads identity, basic info and cells that match the pack model', async () => {
    const { dock, driver } = await setup();
    const r = await driver.read();
    expect(r.id).toBe('RIK-13S-0042');
    expect(r.cellsV).toHaveLength(13);
    expect(r.voltageV).toBeCloseTo(dock.pack.terminalVoltageV(), 1);
    expect(r.socPct).toBe(Math.round(dock.pack.socPct()));
    expect(r.protection).toEqual([]);
    expect(r.chargeFetOn).toBe(true);
    expect(driver.counters()).toMatchObject({ requests: 3, responses: 3, timeouts: 0, crcErrors: 0 });
  });

  it('switches the charge MOSFET off and the BMS reports the software lock', async () => {
    const { dock, driver } = await setup();
    await driver.readCells();
    await driver.setChargeFet(false);
    expect(dock.bms.chargeFetOn()).toBe(false);
    const r = await driver.read();
    expect(r.chargeFetOn).toBe(false);
    expect(r.protection).toContain('mosfet-software-lock');
  });

  it('fails a reply with a bad checksum as BAD_CHECKSUM at once, naming device and request', async () => {
    const { dock, driver } = await setup();
    dock.bmsFaults.set('crc-errors');
    const err = await driver.readBasicInfo().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusError);
    expect(err).toMatchObject({ code: 'BAD_CHECKSUM', device: 'dock-1/bms', request: 'read 0x03 basic info' });
    expect(String(err)).toContain('bad checksum');
    expect(driver.counters()).toMatchObject({ crcErrors: 1, badChecksumReplies: 1, timeouts: 0 });
    dock.bmsFaults.clear();
    await expect(driver.readCells()).resolves.toHaveLength(13);
  });

  it('resynchronises after garbage before every reply', async () => {
    const { dock, driver } = await setup();
    dock.bmsFaults.set('garbage');
    for (let i = 0; i < 5; i++) await driver.readBasicInfo();
    expect(dock.bmsFaults.applied.garbage).toBe(5);
    expect(driver.counters().responses).toBe(5);
    expect(driver.counters().resyncs + driver.counters().crcErrors + driver.counters().frameErrors).toBeGreaterThan(0);
  });
});
