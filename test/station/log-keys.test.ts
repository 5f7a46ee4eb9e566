// journald keeps a log line's fields by name: a line with a key twice (a child logger's binding and the same key in
// the call's object) loses one of them. A short station run on simulated devices, logged as `rikscha station` logs
// (a root logger, the station under a `component` child), through several faults: no line may carry a key twice.

import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../hardware/faults/fault-injector.ts';
import { duplicateKeys } from '../support/duplicate-keys.ts';
import { startManualStation, type ManualStation } from '../support/manual-station.ts';

let rig: ManualStation | undefined;

afterAll(async () => {
  await rig?.stop();
});

describe('station log lines', () => {
  it('never carry a key twice through start, faults, recovery and stop', async () => {
    const lines: string[] = [];
    const root = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
    rig = await startManualStation(
      'log-keys',
      {
        metrics: { port: 0 },
        ioBoard: {
          io: { type: 'virtual' },
          leds: { 'dock-1': { type: 'single', pins: { green: 4, red: 5 } } },
          buttons: { acknowledge: { pin: 2 } },
          heartbeat: { pin: 8 },
        },
      },
      root.child({ component: 'station' }),
    );
    const faults = new FaultInjector(rig.sim);
    await rig.ticks(100);
    for (const [fault, device] of [
      ['crc-errors', 'charger'],
      ['no-answer', 'bms'],
      ['garbage', 'bms'],
      ['over-temperature', undefined],
      ['cell-drift-high', undefined],
      ['unplug', 'bms'],
      ['swap-battery', undefined],
    ] as const) {
      await faults.inject(1, fault, device);
      await rig.ticks(80);
      await faults.clear();
      await rig.ticks(80);
    }
    rig.station.raise({ type: 'log-test', severity: 'warning', dock: 1, message: 'a dock event' });
    await rig.stop();
    rig = undefined;

    expect(lines.length).toBeGreaterThan(20);
    expect(lines.some((l) => l.includes('"level":40'))).toBe(true);
    const offending = lines.flatMap((l) => duplicateKeys(l).map((k) => `${k} in ${l.trim()}`));
    expect(offending).toEqual([]);
  }, 120_000);
});
