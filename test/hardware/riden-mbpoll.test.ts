// Interop: the simulated RD6018 answers mbpoll (Debian's independent Modbus master) over a real socat pty pair:
// reads of the identity and live registers, FC06 and FC16 writes that reach the charger model, and an exception.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.ts';
import { SerialTransport } from '../../firmware-bridge/transports/serial-transport.ts';
import { ChargerModel } from '../../hardware/battery/charger-model.ts';
import { RidenSim } from '../../hardware/riden/riden-sim.ts';
import { ptyPair, requireTool } from '../support/socat.ts';

const run = promisify(execFile);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `[9]: 	5460` lines of mbpoll's output as register → value. */
function registers(stdout: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)) out.set(Number(m[1]), Number(m[2]));
  return out;
}

/** Runs mbpoll once against `pty` with `opts`; `values` given means a write. */
async function mbpoll(pty: string, opts: string[], values: string[] = []): Promise<{ stdout: string; code: number }> {
  try {
    const r = await run(
      'mbpoll',
      ['-m', 'rtu', '-b', '115200', '-P', 'none', '-a', '1', '-o', '1', '-1', ...opts, pty, ...values],
      { timeout: 10_000 },
    );
    return { stdout: r.stdout, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: `${e.stdout ?? ''}${e.stderr ?? ''}`, code: e.code ?? 1 };
  }
}

describe('Riden sim ↔ mbpoll over a socat pty', () => {
  it('reads, writes single and multiple registers, and reports an exception', async () => {
    requireTool('mbpoll', 'mbpoll');
    const pty = await ptyPair('riden-mbpoll');
    cleanups.push(() => pty.kill());
    const device = new SerialTransport(pty.b, { baudRate: 115200 });
    await device.open();
    cleanups.push(() => device.close());
    const charger = new ChargerModel();
    const sim = new RidenSim({
      line: device,
      charger,
      clock: systemClock,
      around: { terminalVoltageV: () => 51.2, probeTempC: () => 24, ambientC: () => 25 },
    });
    sim.start();
    cleanups.push(() => sim.stop());

    // mbpoll numbers registers from 1: -r 1 -c 4 is regs 0..3 (M4).
    const id = await mbpoll(pty.a, ['-r', '1', '-c', '4']);
    expect(id.code, id.stdout).toBe(0);
    expect([...registers(id.stdout).values()]).toEqual([60181, 0, 1234, 128]);

    // FC06: V_SET (reg 8 → -r 9) = 54.60 V.
    const w1 = await mbpoll(pty.a, ['-r', '9'], ['5460']);
    expect(w1.code, w1.stdout).toBe(0);
    expect(charger.getSetpoints().setVoltageV).toBe(54.6);

    // FC16: I_SET and the two registers after it would hit read-only V_OUT, so write regs 8–9 together.
    const w2 = await mbpoll(pty.a, ['-r', '9'], ['5880', '450']);
    expect(w2.code, w2.stdout).toBe(0);
    expect(charger.getSetpoints()).toMatchObject({ setVoltageV: 58.8, setCurrentA: 4.5 });

    const live = await mbpoll(pty.a, ['-r', '9', '-c', '3']);
    expect(live.code, live.stdout).toBe(0);
    expect(registers(live.stdout)).toEqual(
      new Map([
        [9, 5880],
        [10, 450],
        [11, 5120],
      ]),
    );

    // Reg 21 is not in the map: exception 2, which mbpoll reports as an illegal data address.
    const bad = await mbpoll(pty.a, ['-r', '22', '-c', '1']);
    expect(bad.stdout).toMatch(/illegal data address/i);
    expect(sim.requests).toBeGreaterThanOrEqual(5);
  });
});
