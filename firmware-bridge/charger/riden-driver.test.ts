// Riden RD60xx: register decoding against M12/M13, model scaling, and the driver over a memory link producing
// exactly vectors M2/M4–M11; timeouts, CRC errors and the safety lane as the station will meet them.

import { describe, expect, it } from 'vitest';
import vectors from '../modbus/fixtures/modbus-vectors.json' with { type: 'json' };
import { BusError } from '../bus/request-bus.ts';
import { decodeRtuResponse } from '../modbus/modbus-rtu-codec.ts';
import { ChargerError } from './charger.ts';
import { RidenDriver } from './riden-driver.ts';
import {
  BATTERY_BLOCK,
  blockValues,
  decodeBattery,
  decodeLive,
  encodeCurrent,
  encodeVoltage,
  LIVE_BLOCK,
  RIDEN_MODELS,
  ridenModelFromId,
} from './riden-registers.ts';
import { chargerRig, rd6018Registers, settle } from './testing/charger-fixture.ts';

const V = (id: string): string => {
  const v = vectors.vectors.find((x) => x.id === id);
  if (!v) throw new Error(`no vector ${id}`);
  return v.hex;
};
const replyValues = (id: string): number[] => {
  const r = decodeRtuResponse(Buffer.from(V(id).replace(/\s+/g, ''), 'hex'));
  if (!r.ok || r.value.kind !== 'read-reply') throw new Error(`${id} is not a read reply`);
  return r.value.values;
};
const rd6018 = RIDEN_MODELS.RD6018;

describe('Riden registers', () => {
  it('decodes the live block of M12 with RD6018 scaling', () => {
    expect(decodeLive(blockValues(LIVE_BLOCK, replyValues('M12')), rd6018)).toEqual({
      setVoltageV: 54.6,
      setCurrentA: 4,
      voltageV: 51.23,
      currentA: 3.98,
      powerW: 203.89,
      inputV: 65,
      keypadLocked: false,
      protection: 'none',
      protectionCode: 0,
      mode: 'cc',
      outputOn: true,
      preset: 0,
    });
  });

  it('decodes the battery block of M13 (bytes as shared: Wh = 44.264, not the 109.800 its description claims)', () => {
    expect(decodeBattery(blockValues(BATTERY_BLOCK, replyValues('M13')), rd6018)).toEqual({
      batteryMode: true,
      batteryV: 49.87,
      probeTempC: 24,
      ah: 2.15,
      wh: 44.264,
    });
    expect(decodeBattery(blockValues(BATTERY_BLOCK, replyValues('M13-fixed')), rd6018).wh).toBe(109.8);
  });

  it('picks the scaling from the model id', () => {
    expect(ridenModelFromId(60181)?.name).toBe('RD6018');
    expect(ridenModelFromId(60062)?.name).toBe('RD6006');
    expect(ridenModelFromId(60065)?.name).toBe('RD6006P');
    expect(ridenModelFromId(60066)?.name).toBe('RK6006');
    expect(ridenModelFromId(60121)?.name).toBe('RD6012');
    expect(ridenModelFromId(60125)?.name).toBe('RD6012P');
    expect(ridenModelFromId(60241)?.name).toBe('RD6024');
    expect(ridenModelFromId(12345)).toBeUndefined();
    expect(encodeVoltage(54.6, rd6018)).toBe(5460);
    expect(encodeVoltage(58.8, rd6018)).toBe(5880);
    expect(encodeCurrent(4, RIDEN_MODELS.RD6006)).toBe(4000);
    expect(encodeCurrent(4, RIDEN_MODELS.RD6012P, 0)).toBe(40000);
    expect(encodeCurrent(10, RIDEN_MODELS.RD6012P, 1)).toBe(10000);
  });
});

describe('RidenDriver', () => {
  it('identifies (M4), reads the live block (M5) and, while charging, the battery block (M6)', async () => {
    const rig = await chargerRig();
    const d = new RidenDriver(rig.master, { name: 'dock-1/charger', clock: rig.clock });
    const r = await d.read();
    expect(rig.heard()).toEqual([V('M4'), V('M5'), V('M6')]);
    expect(d.model).toBe('RD6018');
    expect(d.deviceIdentity).toEqual({ modelId: 60181, serial: 1234, firmware: 1.28 });
    expect(r).toEqual({
      online: true,
      at: rig.clock.now(),
      outputOn: true,
      setVoltageV: 54.6,
      setCurrentA: 4,
      voltageV: 51.23,
      currentA: 3.98,
      powerW: 203.89,
      inputV: 65,
      protection: 'none',
      mode: 'cc',
      batteryV: 49.87,
      ah: 2.15,
      wh: 44.264,
    });
    expect(d.counters()).toMatchObject({ requests: 3, responses: 3, crcErrors: 0 });
  });

  it('reads only the live block while the output is off, and the temperature when asked', async () => {
    const rig = await chargerRig({ ...rd6018Registers(), 18: 0, 4: 1, 5: 3 });
    const d = new RidenDriver(rig.master, { name: 'dock-1/charger', readTemperature: true });
    const r = await d.read();
    expect(r).toMatchObject({ outputOn: false, tempC: -3 });
    expect(r.ah).toBeUndefined();
    expect(rig.server.requests.slice(1).map((q) => q.kind === 'read' && `${q.address}+${q.count}`)).toEqual(['4+16']);
  });

  it('writes set-points as exactly vectors M7, M8, M9, M10, M11 and switches output with M2', async () => {
    const rig = await chargerRig();
    const d = new RidenDriver(rig.master, { name: 'dock-1/charger', expectModel: 'RD6018' });
    await d.setVoltage(54.6);
    await d.setVoltage(58.8);
    await d.setCurrent(4);
    await d.setVoltageCurrent(54.6, 4);
    await d.setOvp(56);
    await d.setOutput(true);
    await d.setOutput(false);
    expect(rig.heard()).toEqual([V('M4'), V('M7'), V('M8'), V('M9'), V('M10'), V('M11'), V('M2-on'), V('M2-off')]);
    expect([rig.server.holding.get(8), rig.server.holding.get(9), rig.server.holding.get(82)]).toEqual([
      5460, 400, 5600,
    ]);
  });

  it('sets OVP and OCP together in one FC16 to regs 82–83', async () => {
    const rig = await chargerRig();
    const d = new RidenDriver(rig.master, { name: 'dock-1/charger' });
    await d.setProtection(56, 4.5);
    expect(rig.server.requests.at(-1)).toEqual({
      kind: 'write-multiple',
      unit: 1,
      fc: 16,
      address: 82,
      values: [5600, 450],
    });
  });

  it('scales an RD6006 current by 1000 (M9, RD6006 variant)', async () => {
    const rig = await chargerRig(rd6018Registers(60062));
    const d = new RidenDriver(rig.master, { name: 'dock-1/charger' });
    await d.setCurrent(4);
    expect(rig.heard().at(-1)).toBe(V('M9-rd6006'));
    expect(d.limits).toEqual({ maxVoltageV: 60, maxCurrentA: 6 });
  });

  it('refuses set-points outside the model limits before writing anything', async () => {
    const rig = await chargerRig();
    const d = new RidenDriver(rig.master, { name: 'dock-1/charger' });
    for (const [v, a] of [
      [61, 4],
      [54.6, 18.5],
      [Number.NaN, 1],
      [-1, 1],
    ] as const) {
      await expect(d.setVoltageCurrent(v, a)).rejects.toMatchObject({ code: 'OUT_OF_RANGE', device: 'dock-1/charger' });
    }
    expect(rig.heard()).toEqual([V('M4')]);
  });

  it('refuses a device that is not the configured model, or no known model', async () => {
    const wrong = await chargerRig(rd6018Registers(60062));
    const d = new RidenDriver(wrong.master, { name: 'dock-1/charger', expectModel: 'RD6018' });
    await expect(d.setVoltageCurrent(54.6, 4)).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });
    const unknown = await chargerRig(rd6018Registers(11111));
    await expect(new RidenDriver(unknown.master, { name: 'x' }).read()).rejects.toBeInstanceOf(ChargerError);
  });

  it('times out with a BusError naming the device and the request', async () => {
    const rig = await chargerRig();
    const d = new RidenDriver(rig.master, { name: 'dock-4/charger', timeoutMs: 150 });
    await d.identify();
    rig.server.mute = true;
    const p = settle(d.read());
    await rig.clock.advanceAsync(200, 25);
    const r = await p;
    expect(r.ok).toBe(false);
    const err = r.ok ? null : r.e;
    expect(err).toBeInstanceOf(BusError);
    expect(err).toMatchObject({ code: 'TIMEOUT', device: 'dock-4/charger', request: 'read live regs 8-19' });
    expect(d.counters().timeouts).toBe(1);
  });

  it('counts a reply with a corrupted CRC in crcErrors', async () => {
    const rig = await chargerRig();
    const d = new RidenDriver(rig.master, { name: 'dock-1/charger' });
    await d.identify();
    rig.server.corruptNextReplies = 1;
    const p = settle(d.read());
    await rig.clock.advanceAsync(250, 25);
    expect(await p).toMatchObject({ ok: false, e: { code: 'BAD_CHECKSUM' } });
    expect(d.counters()).toMatchObject({ crcErrors: 1, badChecksumReplies: 1, timeouts: 0 });
    await expect(d.read()).resolves.toMatchObject({ voltageV: 51.23 });
  });

  it('sends output-off through the safety lane, ahead of queued reads', async () => {
    const rig = await chargerRig({ ...rd6018Registers(), 18: 0 });
    const d = new RidenDriver(rig.master, { name: 'dock-1/charger' });
    await d.identify();
    const reads = [d.read(), d.read(), d.read()];
    for (let i = 0; i < 20 && rig.bus.queueLength < 2; i++) await Promise.resolve();
    expect(rig.bus.queueLength).toBe(2);
    await Promise.all([...reads, d.setOutput(false, 'normal')]);
    expect(rig.heard()).toEqual([V('M4'), V('M5'), V('M2-off'), V('M5'), V('M5')]);
  });

  it('has no comms watchdog to configure (the station must expire set-points itself)', async () => {
    const rig = await chargerRig();
    const d = new RidenDriver(rig.master, { name: 'dock-1/charger' });
    expect(d.hasCommsWatchdog).toBe(false);
    expect('configureTimeout' in d).toBe(false);
  });
});
