// Phase 2 of a tick for one dock, the judgements on its battery: whether a fault's causes are gone (and the charge
// FET may close again), and the quarantine check of a resting battery.

import { newFetWatch } from './charge-fet-watch.ts';
import type { ChargingConfig } from './charging-config.ts';
import type { DockTick, TickOutput } from './dock-runtime.ts';
import { causeGone, type InterlockCode } from './interlocks.ts';
import { quarantineCheck } from './quarantine.ts';

export function resolveFault(dock: DockTick, config: ChargingConfig, now: number, out: TickOutput): void {
  const { input, runtime, bms, interlock } = dock;
  const { machine } = runtime;
  const fault = machine.fault;
  if (fault === null) return;
  const gone =
    fault.kind === 'interlock'
      ? fault.causes.every((cause) => causeGone(cause.code as InterlockCode, interlock, fault.since, config))
      : bms !== null &&
        quarantineCheck(bms, input.config, input.health, config, {
          temperature: true,
          ownFlags: interlock.ownFlags,
        }) === null;
  machine.setCauseGone(gone);
  out.events.push(...machine.resolve(now, bms !== null));
  if (machine.fault !== null) return;
  // A fault that cleared by itself (stale data, temperature, a mild protection) may come straight back on a flaky line
  // or at the edge of a limit: charging resumes only after a hold time of good readings, so relays do not flap.
  if (!fault.serious) runtime.resumeHold = { since: now, after: fault.causes.map((c) => c.code).join(', ') };
  if (runtime.chargeFet === 'open') {
    // The stuck charger has confirmed off and a person acknowledged: give the battery its charge path back.
    out.commands.push({ dock: input.dock, kind: 'bms-charge-fet', on: true });
    runtime.chargeFet = 'closing';
    runtime.fetWatch = newFetWatch('closed', now);
  }
}

/** A resting battery is judged once per new reading; temperature only on insertion (a warm one just waits). */
export function checkRestingBattery(
  dock: DockTick,
  inserted: boolean,
  config: ChargingConfig,
  now: number,
  out: TickOutput,
): void {
  const { input, runtime, bms, interlock } = dock;
  const { machine } = runtime;
  if (machine.state !== 'idle' && machine.state !== 'full') {
    runtime.restCheckedFor = null;
    return;
  }
  if (bms === null || runtime.commandedOn || (!inserted && runtime.restCheckedFor === input.bms)) return;
  runtime.restCheckedFor = input.bms;
  const problem = quarantineCheck(bms, input.config, input.health, config, {
    temperature: inserted,
    ownFlags: interlock.ownFlags,
  });
  if (problem === null) return;
  const fault = { kind: 'quarantine' as const, code: problem.code, reason: problem.reason, serious: false };
  out.events.push(...machine.raise({ ...fault, doNotDispatch: true }, now));
}
