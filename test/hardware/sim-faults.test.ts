// Every fault the simulator offers, injected at run time and seen through the station's real drivers (JBD, Riden,
// VESC) exactly as that fault: a vanished line, resyncs, CRC errors, silence, a BMS protection, a relay that does not
// open, set-points that do not take, another battery id. Each is cleared again and the device behaves normally.

import { afterEach, describe, expect, it } from 'vitest';
import { BusError } from '../../firmware-bridge/bus/request-bus.ts';
import { waitFor } from '../support/wait-for.ts';
import { stationRig } from './station-rig.ts';

type Rig = Awaited<ReturnType<typeof stationRig>>;
const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
});

async function ready(): Promise<Rig> {
  const rig = await stationRig();
  rigs.push(rig);
  for (const dock of [1, 2, 3]) {
    const d = rig.drivers(dock);
    await waitFor(() => d.bmsLine.opened && (d.chargerLine?.opened ?? true), { what: `dock ${dock} lines open` });
  }
  return rig;
}

/** Starts dock 1 charging at 4 A through the Riden, the way the station does, and runs a minute of physics. */
async function charging(rig: Rig, dock = 1): Promise<void> {
  const c = rig.drivers(dock).charger;
  if (!c) throw new Error('no charger');
  await c.setVoltageCurrent(54.6, 4);
  await c.setOutput(true);
  rig.run(60);
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe('fault injection seen through the station drivers', () => {
  it('unplug: the BMS line closes and will not reopen; after clearing it comes back and reads again', async () => {
    const rig = await ready();
    const d = rig.drivers(1);
    await d.bms.read();
    await rig.faults.inject(1, 'unplug');
    await waitFor(() => !d.bmsLine.opened, { what: 'the station to see its BMS line close' });
    expect(await failure(d.bms.read())).toMatchObject({ code: expect.stringMatching(/CLOSED|NOT_OPEN|WRITE_FAILED/) });
    expect(rig.station.devices().find((x) => x.dock === 1 && x.kind === 'bms')?.present).toBe(false);
    await rig.faults.clear({ dock: 1 });
    await waitFor(() => d.bmsLine.opened, { what: 'the BMS line to reopen' });
    await expect(d.bms.read()).resolves.toMatchObject({ id: 'RIK-13S-0001' });
  });

  it('unplug of a shared charger bus takes every charger on it away', async () => {
    const rig = await ready();
    await rig.faults.inject(2, 'unplug', 'charger');
    await waitFor(() => !rig.drivers(3).chargerLine?.opened, { what: 'the shared bus to close' });
    expect(await failure(rig.drivers(3).charger?.read() ?? Promise.resolve())).not.toBeNull();
    await rig.faults.clear();
    await waitFor(() => rig.drivers(3).chargerLine?.opened, { what: 'the bus to reopen' });
    await expect(rig.drivers(3).charger?.read()).resolves.toMatchObject({ online: true });
  });

  it('garbage: readings still arrive, the drivers count resyncs', async () => {
    const rig = await ready();
    const d = rig.drivers(1);
    await rig.faults.inject(1, 'garbage');
    await rig.faults.inject(1, 'garbage', 'charger');
    for (let i = 0; i < 4; i++) {
      await d.bms.readBasicInfo();
      await d.charger?.read();
    }
    const junk = (c: { resyncs: number; crcErrors: number; frameErrors: number }) =>
      c.resyncs + c.crcErrors + c.frameErrors;
    expect(junk(d.bms.counters())).toBeGreaterThan(0);
    expect(junk(d.charger?.counters() ?? { resyncs: 0, crcErrors: 0, frameErrors: 0 })).toBeGreaterThan(0);
    expect(d.bms.counters().timeouts).toBe(0);
  });

  it('crc-errors: replies arrive with a bad CRC, counted, and the request fails as a bad checksum', async () => {
    const rig = await ready();
    const d = rig.drivers(2);
    await rig.faults.inject(2, 'crc-errors');
    await rig.faults.inject(2, 'crc-errors', 'charger');
    const bmsErr = await failure(d.bms.readBasicInfo());
    expect(bmsErr).toBeInstanceOf(BusError);
    expect(bmsErr).toMatchObject({ code: 'BAD_CHECKSUM', device: 'dock-2/bms' });
    expect(d.bms.counters().crcErrors).toBeGreaterThan(0);
    expect(d.bms.counters().timeouts).toBe(0);
    expect(await failure(d.charger?.read() ?? Promise.resolve())).toMatchObject({
      code: 'BAD_CHECKSUM',
      device: 'dock-2/charger',
    });
    expect(d.charger?.counters().crcErrors).toBeGreaterThan(0);
    // Dock 3's charger on the same bus is untouched.
    await expect(rig.drivers(3).charger?.read()).resolves.toMatchObject({ online: true });
    await rig.faults.clear({ dock: 2 });
    await expect(d.bms.readCells()).resolves.toHaveLength(13);
  });

  it('no-answer: silence (a timeout without any CRC error)', async () => {
    const rig = await ready();
    const d = rig.drivers(1);
    await d.charger?.read();
    await rig.faults.inject(1, 'no-answer');
    await rig.faults.inject(1, 'no-answer', 'charger');
    await rig.faults.inject(1, 'no-answer', 'vesc');
    expect(await failure(d.bms.readBasicInfo())).toMatchObject({ code: 'TIMEOUT' });
    expect(await failure(d.charger?.read() ?? Promise.resolve())).toMatchObject({ code: 'TIMEOUT' });
    expect(await failure(d.vesc?.readValues() ?? Promise.resolve())).toMatchObject({ code: 'TIMEOUT' });
    expect(d.bms.counters()).toMatchObject({ crcErrors: 0, timeouts: 1 });
    await rig.faults.clear({ dock: 1, fault: 'no-answer' });
    await expect(d.vesc?.readValues()).resolves.toMatchObject({ fault: expect.anything() });
  });

  it('cell-drift-high: one cell far above the others, the BMS trips cell over-voltage and opens its charge FET', async () => {
    const rig = await ready();
    const d = rig.drivers(1);
    await charging(rig);
    await rig.faults.inject(1, 'cell-drift-high');
    rig.run(2);
    const r = await d.bms.read();
    const sorted = [...r.cellsV].sort((a, b) => b - a);
    expect(sorted[0]).toBeGreaterThan(4.25);
    expect((sorted[0] ?? 0) - (sorted[1] ?? 0)).toBeGreaterThan(0.2);
    expect(r.protection).toContain('cell-over-voltage');
    expect(r.chargeFetOn).toBe(false);
    await rig.faults.clear({ dock: 1 });
    rig.run(2);
    const after = await d.bms.read();
    expect(Math.max(...after.cellsV)).toBeLessThan(4.2);
    expect(after.protection).not.toContain('cell-over-voltage');
  });

  it('over-temperature: the NTCs read hot, charge over-temperature trips; cooled again after clearing', async () => {
    const rig = await ready();
    const d = rig.drivers(1);
    await charging(rig);
    await rig.faults.inject(1, 'over-temperature');
    rig.run(2);
    const r = await d.bms.read();
    expect(Math.max(...r.tempsC)).toBeGreaterThan(50);
    expect(r.protection).toContain('charge-over-temperature');
    expect(r.chargeFetOn).toBe(false);
    await rig.faults.clear();
    rig.run(2);
    const after = await d.bms.read();
    expect(Math.max(...after.tempsC)).toBeLessThan(45);
    expect(after.protection).toEqual([]);
  });

  it('stuck-relay: output off is acknowledged and reads off, but current keeps flowing', async () => {
    const rig = await ready();
    const c = rig.drivers(1).charger;
    await charging(rig);
    await rig.faults.inject(1, 'stuck-relay');
    await c?.setOutput(false);
    rig.run(5);
    const r = await c?.read();
    expect(r).toMatchObject({ outputOn: false, protection: 'none' });
    expect(r?.currentA).toBeGreaterThan(3.5);
    expect(rig.station.dock(1).dock.pack.truth().currentA).toBeGreaterThan(3.5);
    await rig.faults.clear();
    rig.run(2);
    expect((await c?.read())?.currentA).toBe(0);
  });

  it('ignore-setpoints: the charger runs at its own 10 A preset and writes are acknowledged but not applied', async () => {
    const rig = await ready();
    const c = rig.drivers(1).charger;
    await charging(rig);
    await rig.faults.inject(1, 'ignore-setpoints');
    await c?.setVoltageCurrent(54.6, 1.5);
    rig.run(5);
    expect(await c?.read()).toMatchObject({ outputOn: true, setCurrentA: 10, currentA: 10 });
    await c?.setOutput(false);
    rig.run(2);
    expect(await c?.read()).toMatchObject({ outputOn: false, currentA: 0 });
  });

  it('swap-battery: the BMS line drops and another pack id answers; clearing puts the first pack back', async () => {
    const rig = await ready();
    const d = rig.drivers(1);
    await charging(rig);
    expect((await d.bms.read()).id).toBe('RIK-13S-0001');
    const reconnects = d.bmsLine.keeper.reconnects;
    await rig.faults.inject(1, 'swap-battery');
    await waitFor(() => d.bmsLine.keeper.reconnects > reconnects && d.bmsLine.opened, {
      what: 'the BMS line to drop and come back',
    });
    const swapped = await d.bms.read();
    expect(swapped.id).toBe('SWAP-13S-0001');
    expect(swapped.socPct).toBeLessThan(45);
    await rig.faults.clear({ dock: 1 });
    await waitFor(async () => (await d.bms.read().catch(() => null))?.id === 'RIK-13S-0001', {
      what: 'the original pack to be back',
    });
  });

  it('refuses unknown docks and faults a dock cannot have', async () => {
    const rig = await ready();
    await expect(rig.faults.inject(9, 'unplug')).rejects.toMatchObject({ code: 'NO_SUCH_DOCK' });
    await expect(rig.faults.inject(2, 'unplug', 'vesc')).rejects.toMatchObject({ code: 'NOT_APPLICABLE' });
    await expect(rig.faults.inject(1, 'stuck-relay', 'bms')).rejects.toMatchObject({ code: 'NOT_APPLICABLE' });
  });
});
