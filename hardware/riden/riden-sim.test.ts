// The simulated RD6018 against the shared Modbus/Riden vectors (protocols.md §4, M1–M14): each request produces the
// documented reply byte for byte where the vector defines one; exceptions, OVP/OCP trips, charger faults, line faults.

import { afterEach, describe, expect, it } from 'vitest';
import vectors from '../../firmware-bridge/modbus/fixtures/modbus-vectors.json' with { type: 'json' };
import { ManualClock } from '../../lib/manual-clock.ts';
import { hasValidCrc, withCrc } from '../../firmware-bridge/modbus/modbus-crc.ts';
import { createMemoryLink } from '../../firmware-bridge/transports/memory-transport.ts';
import { ChargerModel, type ChargeablePack } from '../battery/charger-model.ts';
import { RidenSim } from './riden-sim.ts';

const hexOf = (b: Uint8Array) =>
  Buffer.from(b)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');
const V = (id: string): string => {
  const v = vectors.vectors.find((x) => x.id === id);
  if (!v) throw new Error(`no vector ${id}`);
  return v.hex;
};
const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const turn = () => new Promise<void>((r) => setImmediate(r));

/** A pack stand-in that takes `flowA` whatever is asked and shows `terminal` volts: pins the readings to M12/M13. */
function fixedPack(state: { terminal: number; flowA: number }): ChargeablePack {
  return {
    openCircuitVoltageV: () => 50,
    resistanceOhm: () => 0.05,
    terminalVoltageV: () => state.terminal,
    step: () => state.flowA,
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function rig(opts: { unit?: number } = {}) {
  const clock = new ManualClock();
  const link = createMemoryLink(`riden-sim-${Math.floor(clock.now())}`);
  const charger = new ChargerModel();
  const state = { terminal: 51.23, flowA: 3.98, probeC: 24 };
  const sim = new RidenSim({
    line: link.device,
    charger,
    clock,
    ...(opts.unit ? { unit: opts.unit } : {}),
    around: { terminalVoltageV: () => state.terminal, probeTempC: () => state.probeC, ambientC: () => 25 },
  });
  await link.device.open();
  await link.host.open();
  sim.start();
  const got: Buffer[] = [];
  link.host.onData((c) => got.push(c));
  cleanups.push(async () => sim.stop());
  /** Sends a request and returns everything that came back once the sim has handled it. */
  const ask = async (hex: string | Buffer): Promise<string> => {
    const before = sim.requests;
    got.length = 0;
    await link.host.write(typeof hex === 'string' ? bytes(hex) : hex);
    for (let i = 0; i < 50 && sim.requests === before; i++) await turn();
    for (let i = 0; i < 3; i++) await turn();
    return hexOf(Buffer.concat(got));
  };
  const charge = (seconds: number) => charger.step(fixedPack(state), seconds);
  return { clock, sim, charger, state, ask, charge, got };
}

describe('RidenSim against the protocols.md vectors', () => {
  it('M5 → M12: live block while charging (54.60 V / 4.00 A set, 51.23 V / 3.98 A out, 203.89 W, CC, on)', async () => {
    const r = await rig();
    r.charger.setVoltage(54.6);
    r.charger.setCurrent(4);
    r.charger.setOutput(true);
    r.charge(1);
    // The sim learns "output on" from its register, so switch it the way a station does.
    expect(await r.ask(V('M2-on'))).toBe(V('M2-on'));
    expect(await r.ask(V('M5'))).toBe(V('M12'));
  });

  it('M6 → M13: battery block (battery mode, 49.87 V, 24 °C / 75 °F, 2.150 Ah, Wh regs as shared)', async () => {
    const r = await rig();
    r.charger.setVoltage(54.6);
    r.charger.setCurrent(4);
    r.charger.setOutput(true);
    // 2.15 A for an hour at a terminal voltage that makes 44.264 Wh, then the pack reads 49.87 V.
    r.state.flowA = 2.15;
    r.state.terminal = 44.264 / 2.15;
    r.charge(3600);
    r.state.terminal = 49.87;
    expect(await r.ask(V('M6'))).toBe(V('M13'));
  });

  it('M4 and M1: identity RD6018 (60181), serial, firmware 1.28', async () => {
    const r = await rig();
    expect(await r.ask(V('M4'))).toBe(hexOf(withCrc(bytes('01 03 08 EB 15 00 00 04 D2 00 80'))));
    expect(await r.ask(V('M1'))).toBe(hexOf(withCrc(bytes('01 03 02 EB 15'))));
  });

  it('M3: one-register replies (OUTPUT = 1, preset = 7)', async () => {
    const r = await rig();
    await r.ask(V('M2-on'));
    expect(await r.ask(withCrc(bytes('01 03 00 12 00 01')))).toBe(V('M3a'));
    expect(await r.ask(withCrc(bytes('01 06 00 13 00 07')))).toBe(hexOf(withCrc(bytes('01 06 00 13 00 07'))));
    expect(await r.ask(withCrc(bytes('01 03 00 13 00 01')))).toBe(V('M3b'));
  });

  it('M2, M7–M11: writes echo and drive the charger model', async () => {
    const r = await rig();
    for (const id of ['M7', 'M8', 'M9', 'M11', 'M2-on']) expect(await r.ask(V(id))).toBe(V(id));
    expect(r.charger.getSetpoints()).toEqual({ setVoltageV: 58.8, setCurrentA: 4, outputOn: true });
    expect(await r.ask(V('M10'))).toBe(V('M10-reply'));
    expect(r.charger.getSetpoints().setVoltageV).toBe(54.6);
    expect(r.sim.registers.read(82, 1)).toEqual([5600]);
    expect(await r.ask(V('M2-off'))).toBe(V('M2-off'));
    expect(r.charger.getSetpoints().outputOn).toBe(false);
  });

  it('M14 and other exceptions: illegal address, function, value; calibration and SYSTEM never writable', async () => {
    const r = await rig();
    expect(await r.ask(withCrc(bytes('01 03 00 15 00 01')))).toBe(V('M14'));
    expect(await r.ask(withCrc(bytes('01 03 00 12 00 05')))).toBe(V('M14'));
    expect(await r.ask(withCrc(bytes('01 04 00 00 00 01')))).toBe(hexOf(withCrc(bytes('01 84 01'))));
    expect(await r.ask(withCrc(bytes('01 01 00 00 00 08')))).toBe(hexOf(withCrc(bytes('01 81 01'))));
    expect(await r.ask(withCrc(bytes('01 06 00 37 12 34')))).toBe(hexOf(withCrc(bytes('01 86 02'))));
    expect(await r.ask(withCrc(bytes('01 06 01 00 16 01')))).toBe(hexOf(withCrc(bytes('01 86 02'))));
    expect(await r.ask(withCrc(bytes('01 06 00 0A 00 01')))).toBe(hexOf(withCrc(bytes('01 86 02'))));
    expect(await r.ask(withCrc(bytes('01 06 00 08 17 71')))).toBe(hexOf(withCrc(bytes('01 86 03'))));
    // FC16 across a read-only register changes nothing at all.
    expect(await r.ask(withCrc(bytes('01 10 00 09 00 02 04 01 F4 00 01')))).toBe(hexOf(withCrc(bytes('01 90 02'))));
    expect(r.charger.getSetpoints().setCurrentA).toBe(0);
  });

  it('ignores requests for other units and applies broadcasts without answering', async () => {
    const r = await rig({ unit: 3 });
    expect(await r.ask(V('M4'))).toBe('');
    expect(await r.ask(withCrc(bytes('00 06 00 08 15 54')))).toBe('');
    expect(r.charger.getSetpoints().setVoltageV).toBe(54.6);
    expect(await r.ask(withCrc(bytes('03 03 00 08 00 01')))).toBe(hexOf(withCrc(bytes('03 03 02 15 54'))));
  });

  it('trips OVP and OCP like the unit: output off, protection 1 / 2, re-armed by switching on', async () => {
    const r = await rig();
    await r.ask(V('M10'));
    await r.ask(V('M2-on'));
    r.charge(1);
    await r.ask(withCrc(bytes('01 06 00 52 13 88'))); // OVP 50.00 V < 51.23 V at the terminals
    r.sim.evaluate();
    expect(r.sim.registers.read(16, 3)).toEqual([1, 0, 0]);
    expect(r.charger.getSetpoints().outputOn).toBe(false);
    await r.ask(withCrc(bytes('01 06 00 52 17 70'))); // OVP 60.00 V
    await r.ask(withCrc(bytes('01 06 00 53 01 2C'))); // OCP 3.00 A < 3.98 A
    await r.ask(V('M2-on'));
    r.charge(1);
    r.sim.evaluate();
    expect(r.sim.registers.read(16, 3)).toEqual([2, 0, 0]);
    expect(r.charger.getSetpoints().outputOn).toBe(false);
  });

  it('stuck relay: OUTPUT reads 0 after "off" but current keeps flowing until the fault clears', async () => {
    const r = await rig();
    await r.ask(V('M10'));
    await r.ask(V('M2-on'));
    r.sim.registers.setFault('stuckRelay', true);
    expect(await r.ask(V('M2-off'))).toBe(V('M2-off'));
    r.charge(1);
    const [, , , iOut = 0, , , , , , , output] = r.sim.registers.read(8, 11) as number[];
    expect(output).toBe(0);
    expect(iOut).toBe(398);
    r.sim.registers.setFault('stuckRelay', false);
    r.charge(1);
    expect(r.sim.registers.read(11, 1)).toEqual([0]);
  });

  it('ignore set-points: falls back to its 10 A preset, echoes writes without applying them; OUTPUT still obeys', async () => {
    const r = await rig();
    await r.ask(V('M10'));
    r.sim.registers.setFault('ignoreSetpoints', true);
    expect(await r.ask(withCrc(bytes('01 06 00 09 00 C8')))).toBe(hexOf(withCrc(bytes('01 06 00 09 00 C8'))));
    expect(r.sim.registers.read(8, 2)).toEqual([5460, 1000]);
    await r.ask(V('M2-on'));
    expect(r.charger.getSetpoints().outputOn).toBe(true);
    r.sim.registers.setFault('ignoreSetpoints', false);
    expect(r.sim.registers.read(8, 2)).toEqual([5460, 400]);
  });

  it('line faults: silence, a broken CRC, garbage before the reply, a late reply', async () => {
    const r = await rig();
    r.sim.faults.set('no-answer');
    expect(await r.ask(V('M1'))).toBe('');
    r.sim.faults.clear();
    r.sim.faults.set('crc-errors');
    const bad = bytes(await r.ask(V('M1')).then((h) => h));
    expect(bad).toHaveLength(7);
    expect(hasValidCrc(bad)).toBe(false);
    r.sim.faults.clear();
    r.sim.faults.set('garbage');
    const noisy = await r.ask(V('M1'));
    expect(noisy.endsWith(hexOf(withCrc(bytes('01 03 02 EB 15'))))).toBe(true);
    expect(noisy.length).toBeGreaterThan(hexOf(withCrc(bytes('01 03 02 EB 15'))).length);
    r.sim.faults.clear();
    r.sim.faults.set('delay', 500);
    expect(await r.ask(V('M1'))).toBe('');
    expect(r.sim.faults.applied.delay).toBe(1);
    r.clock.advance(499);
    await turn();
    expect(r.got).toHaveLength(0);
    r.clock.advance(1);
    for (let i = 0; i < 20 && r.got.length === 0; i++) await turn();
    expect(hexOf(Buffer.concat(r.got))).toBe(hexOf(withCrc(bytes('01 03 02 EB 15'))));
  });
});
