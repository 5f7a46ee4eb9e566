// Ten simulated minutes of a bad BMS line (about 30 % of replies behind garbage, 20 % with a bad checksum) under the
// station's real drivers, pollers, charge loop and interlocks, against peers written from the public spec: the charger
// is switched on once and never cycles, every reading that gets through is right, and the counters say "checksum".

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RequestBus } from '../../firmware-bridge/bus/request-bus.ts';
import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import { RidenDriver } from '../../firmware-bridge/charger/riden-driver.ts';
import { JbdBmsDriver } from '../../firmware-bridge/jbd/jbd-driver.ts';
import { createRtuMaster } from '../../firmware-bridge/modbus/modbus-master.ts';
import { createMemoryLink } from '../../firmware-bridge/transports/memory-transport.ts';
import { mulberry32 } from '../../hardware/battery/seeded-random.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { ChargeController } from '../../station/charging/charge-controller.ts';
import { chargingConfig } from '../../station/charging/charging-config.ts';
import type { ChargingEvent } from '../../station/charging/charging-types.ts';
import { parseStationConfig } from '../../station/config/station-config.ts';
import type { StationDevices } from '../../station/devices/dock-devices.ts';
import { DevicePoller } from '../../station/devices/device-poller.ts';
import { ChargeLoop } from '../../station/loop/charge-loop.ts';
import { JbdPeer } from '../support/peers/jbd-peer.ts';
import { RidenPeer } from '../support/peers/riden-peer.ts';

const log = pino({ level: 'silent' });
const POLL_MS = 500;
const MINUTES = 10;

async function rig(seed: number) {
  const clock = new ManualClock();
  const bmsLink = createMemoryLink('noisy-bms');
  const chargerLink = createMemoryLink('clean-charger');
  for (const end of [bmsLink.host, bmsLink.device, chargerLink.host, chargerLink.device]) await end.open();

  const pack = new JbdPeer(bmsLink.device);
  pack.noise = { garbage: 0.3, badChecksum: 0.2, random: mulberry32(seed) };
  const psu = new RidenPeer(chargerLink.device);
  const flowing = () => (psu.outputOn && pack.chargeFet ? psu.setCurrentA : 0);
  pack.beforeRead = () => (pack.currentCa = Math.round(flowing() * 100));
  psu.beforeRead = () => psu.measure(50.9, flowing());

  // Wired as the station's device layer wires a dock (dock-devices.ts), on in-memory lines instead of ports.
  const config = parseStationConfig({
    stationId: 'noisy',
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    pollIntervalMs: POLL_MS,
    docks: [{ dock: 1, bms: { type: 'jbd', port: 'mock:noisy-bms' }, charger: { type: 'riden', port: 'mock:x' } }],
  });
  const dc = config.docks[0];
  if (!dc) throw new Error('no dock');
  const bms = new JbdBmsDriver(new RequestBus(bmsLink.host, { clock }), {
    device: 'dock-1/bms',
    timeoutMs: dc.bms.timeoutMs,
    retryWithinMs: POLL_MS,
  });
  const bmsPoller = new DevicePoller(bms.device, () => bms.read(), {
    clock,
    log,
    periodMs: POLL_MS,
    retryMinMs: dc.bms.timeoutMs,
  });
  const charger = new RidenDriver(createRtuMaster(new RequestBus(chargerLink.host, { clock }), { timeoutMs: 200 }), {
    name: 'dock-1/charger',
    clock,
  });
  const chargerPoller = new DevicePoller(charger.name, () => charger.read(), { clock, log, periodMs: POLL_MS });
  const devices: StationDevices = {
    lines: [],
    docks: [{ config: dc, bms, bmsPoller, charger, chargerPoller }],
    start: () => undefined,
    stop: async () => undefined,
  };
  const events: ChargingEvent[] = [];
  const controller = new ChargeController(chargingConfig({ tickMs: config.tickMs, pollPeriodMs: POLL_MS }));
  const loop = new ChargeLoop({
    clock,
    log,
    tickMs: config.tickMs,
    controller,
    devices,
    onEvents: (e) => events.push(...e),
  });
  const readings: BmsReading[] = [];
  bmsPoller.onReading((r) => readings.push(r));
  bmsPoller.start();
  chargerPoller.start();
  loop.start();
  return { clock, pack, psu, bms, bmsPoller, loop, events, readings };
}

describe('a noisy BMS line', () => {
  it(`for ${MINUTES} simulated minutes: no charger cycle, right values, CRC errors counted as such`, async () => {
    const r = await rig(11);
    await r.clock.advanceAsync(MINUTES * 60_000, 5);

    // Switched on once at the start; never off and on again because of the line.
    expect(r.psu.outputWrites).toEqual([1]);
    expect(r.events.filter((e) => e.severity !== 'info')).toEqual([]);
    expect(r.loop.views()[0]).toMatchObject({ state: 'charging' });

    // The line really was that bad ...
    const replies = r.pack.stats.requests;
    expect(r.pack.stats.badChecksums / replies).toBeGreaterThan(0.15);
    expect(r.pack.stats.garbled / replies).toBeGreaterThan(0.25);
    // ... and every reading that got through carries the pack's true values.
    expect(r.readings.length).toBeGreaterThan(MINUTES * 120 * 0.95);
    for (const x of r.readings) {
      expect(x.id).toBe('PEER-13S-0042');
      expect(x.cellsV).toEqual(r.pack.cellsMv.map((mv) => mv / 1000));
      expect(x.tempsC).toEqual([25, 26]);
      expect(x.protection).toEqual([]);
    }

    // The counters name the cause: bad checksums, not timeouts.
    const c = r.bms.counters();
    expect(c.crcErrors).toBeGreaterThanOrEqual(r.pack.stats.badChecksums);
    expect(c.badChecksumReplies).toBeGreaterThan(0.9 * r.pack.stats.badChecksums);
    expect(c.timeouts).toBe(0);
    expect(c.retries).toBeGreaterThan(0);
    expect(r.bmsPoller.failures['TIMEOUT'] ?? 0).toBe(0);
    r.loop.stop();
  }, 120_000);
});
