// The command writer: off goes out at once and drops set-points and "on" queued before it; order per dock holds.

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChargerDriver } from '../../firmware-bridge/charger/charger.ts';
import type { DockDevices } from '../devices/dock-devices.ts';
import { CommandWriter } from './command-writer.ts';

function fakeDock(dock: number, calls: string[], gate: { release: () => void; wait: Promise<void> }): DockDevices {
  const charger = {
    name: `dock-${dock}/charger`,
    setOutput: async (on: boolean, priority?: string) => {
      calls.push(`${dock}:output:${on ? 'on' : 'off'}:${priority ?? 'normal'}`);
    },
    setVoltageCurrent: async (v: number, a: number) => {
      await gate.wait;
      calls.push(`${dock}:set:${v}:${a}`);
    },
  } as unknown as ChargerDriver;
  const bms = { setChargeFet: async (on: boolean) => void calls.push(`${dock}:fet:${on}`) };
  return { config: { dock }, charger, bms } as unknown as DockDevices;
}

function gate() {
  let release = () => undefined as void;
  const wait = new Promise<void>((r) => (release = r));
  return { release, wait };
}

describe('CommandWriter', () => {
  it('writes set then on in order for a dock', async () => {
    const calls: string[] = [];
    const g = gate();
    g.release();
    const w = new CommandWriter(new Map([[1, fakeDock(1, calls, g)]]), pino({ level: 'silent' }));
    w.write([
      { dock: 1, kind: 'set', voltageV: 54.6, currentA: 4 },
      { dock: 1, kind: 'on' },
    ]);
    await w.drain();
    expect(calls).toEqual(['1:set:54.6:4', '1:output:on:normal']);
    expect(w.stats).toMatchObject({ written: 2, failed: 0, superseded: 0 });
  });

  it('sends off on the safety lane at once and drops the "on" queued before it', async () => {
    const calls: string[] = [];
    const g = gate();
    const w = new CommandWriter(new Map([[1, fakeDock(1, calls, g)]]), pino({ level: 'silent' }));
    w.write([
      { dock: 1, kind: 'set', voltageV: 54.6, currentA: 4 },
      { dock: 1, kind: 'on' },
    ]);
    w.write([
      { dock: 1, kind: 'off', reason: 'cell over voltage' },
      { dock: 1, kind: 'bms-charge-fet', on: false },
    ]);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['1:output:off:safety', '1:fet:false']);
    g.release();
    await w.drain();
    // The set-point was already on its way to the wire; the "on" behind it must never be written.
    expect(calls).not.toContain('1:output:on:normal');
    expect(w.stats.superseded).toBeGreaterThanOrEqual(1);
  });

  it('counts a command that fails without stopping the others', async () => {
    const calls: string[] = [];
    const g = gate();
    g.release();
    const dock = fakeDock(2, calls, g);
    (dock.charger as unknown as { setOutput: () => Promise<void> }).setOutput = async () => {
      throw new Error('timeout');
    };
    const w = new CommandWriter(new Map([[2, dock]]), pino({ level: 'silent' }));
    w.write([
      { dock: 2, kind: 'off', reason: 'x' },
      { dock: 2, kind: 'set', voltageV: 50, currentA: 1 },
    ]);
    await w.drain();
    await new Promise((r) => setImmediate(r));
    expect(w.stats.failed).toBe(1);
    expect(calls).toEqual(['2:set:50:1']);
  });
});
