// The generic driver with models/rd6018.json must be byte-for-byte the Riden driver; plus the features a model
// file can switch on (input registers, signed and 32-bit values, inferred CV/CC, comms watchdog).

import { describe, expect, it } from 'vitest';
import vectors from '../modbus/fixtures/modbus-vectors.json' with { type: 'json' };
import rd6018 from './models/rd6018.json' with { type: 'json' };
import type { ChargerDriver, ChargerReading } from './charger.ts';
import { parseGenericChargerConfig, type GenericChargerConfig } from './generic-charger-config.ts';
import { GenericChargerDriver } from './generic-charger-driver.ts';
import { RidenDriver } from './riden-driver.ts';
import { chargerRig, rd6018Registers, type ChargerRig } from './testing/charger-fixture.ts';

const V = (id: string): string => vectors.vectors.find((x) => x.id === id)?.hex ?? `missing ${id}`;

function config(input: unknown): GenericChargerConfig {
  const r = parseGenericChargerConfig(input);
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.config;
}
const RD6018 = config(rd6018);

/** The same station-side script against any driver; returns what it read. */
async function script(d: ChargerDriver): Promise<ChargerReading[]> {
  const readings = [await d.read()];
  await d.setVoltageCurrent(54.6, 4);
  await d.setVoltageCurrent(58.8, 2.5);
  await d.setOutput(false);
  readings.push(await d.read());
  await d.setOutput(true);
  await d.setProtection?.(56, 4.5);
  readings.push(await d.read());
  return readings;
}

describe('GenericChargerDriver with models/rd6018.json', () => {
  it('sends exactly the frames the Riden driver sends, and reads the same values', async () => {
    const riden = await chargerRig();
    const generic = await chargerRig();
    const fromRiden = await script(new RidenDriver(riden.master, { name: 'dock-1/charger', clock: riden.clock }));
    const fromGeneric = await script(
      new GenericChargerDriver(generic.master, RD6018, { name: 'dock-1/charger', clock: generic.clock }),
    );
    expect(generic.heard()).toEqual(riden.heard());
    expect(fromGeneric).toEqual(fromRiden);
    // And those frames are the shared vectors: M4 identify, M5/M6 reads, M10 set-points, M2 output.
    expect(generic.heard().slice(0, 4)).toEqual([V('M4'), V('M5'), V('M6'), V('M10')]);
    expect(generic.heard()).toContain(V('M2-off'));
    expect(generic.heard()).toContain(V('M2-on'));
  });

  it('leaves out the output-on block fields while the output is off', async () => {
    const rig = await chargerRig({ ...rd6018Registers(), 18: 0 });
    const r = await new GenericChargerDriver(rig.master, RD6018, { name: 'd' }).read();
    expect(r).toMatchObject({ outputOn: false, voltageV: 51.23, inputV: 65 });
    expect(r.ah).toBeUndefined();
    expect(rig.heard()).toEqual([V('M4'), V('M5')]);
  });

  it('refuses a device whose model id the file does not accept', async () => {
    const rig = await chargerRig(rd6018Registers(60062));
    const d = new GenericChargerDriver(rig.master, RD6018, { name: 'd' });
    await expect(d.read()).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });
    await expect(d.setVoltageCurrent(54.6, 4)).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });
    // Switching off never depends on identification.
    await d.setOutput(false);
    expect(rig.heard().at(-1)).toBe(V('M2-off'));
  });

  it('sends output-off on the safety lane', async () => {
    const rig = await chargerRig({ ...rd6018Registers(), 18: 0 });
    const d = new GenericChargerDriver(rig.master, RD6018, { name: 'd' });
    await d.read();
    const reads = [d.read(), d.read()];
    for (let i = 0; i < 20 && rig.bus.queueLength < 1; i++) await Promise.resolve();
    await Promise.all([...reads, d.setOutput(false)]);
    expect(rig.heard().slice(2)).toEqual([V('M5'), V('M2-off'), V('M5')]);
  });
});

/** A made-up charger: input registers, a signed temperature, a 32-bit Wh counter, no CV/CC register, a watchdog. */
const OTHER = config({
  model: 'ACME-48',
  defaultUnit: 5,
  limits: { maxVoltageV: 60, maxCurrentA: 10 },
  reads: [
    { functionCode: 4, start: 100, count: 8 },
    { functionCode: 3, start: 200, count: 3 },
  ],
  setpoints: {
    functionCode: 6,
    voltage: { register: 200, multiplier: 0.1 },
    current: { register: 201, multiplier: 0.1 },
  },
  output: { register: 202, on: 0xaa, off: 0x55, functionCode: 16 },
  measurements: {
    voltageV: { register: 100, multiplier: 0.1 },
    currentA: { register: 101, multiplier: 0.01 },
    tempC: { register: 102, signed: true, multiplier: 0.1, offset: 0 },
    wh: { register: 103, words: 2 },
    inputV: { register: 105, multiplier: 0.5, offset: 10 },
  },
  protection: { register: 106, values: { '0': 'none', '4': 'ovp' } },
  commsTimeout: { register: 300, msPerUnit: 100 },
});

async function otherRig(overrides: Record<number, number> = {}): Promise<{ rig: ChargerRig; d: GenericChargerDriver }> {
  const input = { 100: 512, 101: 275, 102: 0xffec, 103: 1, 104: 2, 105: 100, 106: 9, 107: 0 };
  const rig = await chargerRig({ 200: 546, 201: 280, 202: 0xaa, 300: 0, ...overrides }, { unit: 5, input });
  return { rig, d: new GenericChargerDriver(rig.master, OTHER, { name: 'acme' }) };
}

describe('GenericChargerDriver features', () => {
  it('reads input registers, signed and 32-bit values, offsets, and infers CC from the current', async () => {
    const { d, rig } = await otherRig();
    const r = await d.read();
    expect(r).toMatchObject({
      outputOn: true,
      setVoltageV: 54.6,
      setCurrentA: 28,
      voltageV: 51.2,
      currentA: 2.75,
      tempC: -2,
      wh: 65538,
      inputV: 60,
      protection: 'other',
      protectionCode: 9,
      mode: 'cv',
    });
    expect(rig.server.requests.map((q) => q.fc)).toEqual([4, 3]);
    rig.server.holding.set(201, 27);
    expect((await d.read()).mode).toBe('cc');
  });

  it('writes set-points one register at a time with FC06, and output with its own values and FC16', async () => {
    const { d, rig } = await otherRig();
    await d.setVoltageCurrent(54.6, 2.5);
    await d.setOutput(false);
    expect(rig.server.requests).toEqual([
      { kind: 'write-single', unit: 5, fc: 6, address: 200, value: 546 },
      { kind: 'write-single', unit: 5, fc: 6, address: 201, value: 25 },
      { kind: 'write-multiple', unit: 5, fc: 16, address: 202, values: [0x55] },
    ]);
    await expect(d.setVoltageCurrent(54.6, 10.5)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
  });

  it('arms the comms watchdog when the model has one, and has no setProtection when it has none', async () => {
    const { d, rig } = await otherRig();
    expect(d.hasCommsWatchdog).toBe(true);
    await d.configureTimeout?.(5000);
    expect(rig.server.holding.get(300)).toBe(50);
    expect(d.setProtection).toBeUndefined();
    await expect(d.configureTimeout?.(1e9)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
  });
});
