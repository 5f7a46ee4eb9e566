// Asks each configured device who it is and for one reading, through the same drivers the station uses, and says
// what answered (model, firmware, hardware id) and what did not. Reads only: no set-point or switch is written.

import pino from 'pino';
import { systemClock } from '../../lib/clock.ts';
import type { StationConfig } from '../config/station-config.ts';
import { createStationDevices, type DockDevices, type Line } from '../devices/dock-devices.ts';
import { fail, ok, withDeadline, type CheckResult } from './check-result.ts';

const ANSWER_MS = 3000;

const ATTEMPTS = 3;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A device may miss one request on a busy line; the doctor judges it on three, as the poller would over time. */
async function attempt<T>(what: string, run: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 0; i < ATTEMPTS; i++) {
    try {
      return await withDeadline(ANSWER_MS, what, run);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

/** Opens a line and resolves once it is open (or rejects at the deadline with the line's own complaint). */
async function openLine(line: Line): Promise<void> {
  await withDeadline(ANSWER_MS, `open ${line.address}`, () => {
    const opened = new Promise<void>((resolve) => {
      const off = line.keeper.onChange((open) => {
        if (!open) return;
        off();
        resolve();
      });
    });
    line.keeper.start();
    return opened;
  });
}

async function checkBms(d: DockDevices): Promise<CheckResult> {
  const check = `dock ${d.config.dock} BMS`;
  try {
    const id = await attempt('hardware id', () => d.bms.readHardwareId());
    const r = await attempt('reading', () => d.bms.read());
    return ok(
      check,
      `${d.config.bms.type.toUpperCase()} "${id}" answers: ${r.voltageV.toFixed(2)} V, ${r.socPct} %, ${r.cellsV.length} cells`,
    );
  } catch (err) {
    return fail(
      check,
      `no valid answer: ${message(err)}`,
      'check the BMS is woken (press its button or connect a charger), the TX/RX wires, and the port in the config',
    );
  }
}

async function checkCharger(d: DockDevices): Promise<CheckResult | null> {
  const charger = d.charger;
  if (!charger) return null;
  const check = `dock ${d.config.dock} charger`;
  try {
    const identity =
      'identify' in charger && typeof charger.identify === 'function'
        ? await attempt('identify', () => (charger.identify as () => Promise<{ name: string }>)())
        : null;
    const r = await attempt('reading', () => charger.read());
    const model = identity ? `${identity.name} ` : '';
    return ok(check, `${model}answers at unit ${d.config.charger.unit}: output ${r.outputOn ? 'on' : 'off'}`);
  } catch (err) {
    return fail(
      check,
      `no valid answer: ${message(err)}`,
      'check the charger is on, its Modbus address (unit) and baud rate match the config, and the RS-485 A/B wires',
    );
  }
}

/** `skip`: addresses the port check already found unusable (their devices are not asked again). */
export async function checkDevices(config: StationConfig, skip: ReadonlySet<string>): Promise<CheckResult[]> {
  const devices = await createStationDevices(config, { clock: systemClock, log: pino({ level: 'silent' }) });
  const out: CheckResult[] = [];
  const usable = new Set<string>();
  try {
    for (const line of devices.lines) {
      if (skip.has(line.address)) continue;
      try {
        await openLine(line);
        usable.add(line.address);
      } catch (err) {
        out.push(fail(`line ${line.address}`, `cannot open: ${message(err)}`, 'see the port check above'));
      }
    }
    for (const d of devices.docks) {
      if (usable.has(d.config.bms.port)) out.push(await checkBms(d));
      const port = d.config.charger.port;
      if (port && usable.has(port)) {
        const c = await checkCharger(d);
        if (c) out.push(c);
      }
    }
  } finally {
    await devices.stop();
  }
  return out;
}
