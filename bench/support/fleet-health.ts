// Runs the station's health estimators on a simulated fleet (pack model + charger model + session tracker, no MQTT)
// and the central combination on their sessions, then compares each pack's estimates with the model's truth.

import type { ChargeSession, BatteryEstimates } from '../../contract/battery-health.ts';
import { estimateHealth } from '../../broker/health/estimates.ts';
import { fleetScenario, type FleetPack } from '../../hardware/scenario/fleet-scenario.ts';
import { FleetPackRun } from '../../hardware/scenario/fleet-days.ts';
import { healthConfigSchema, type HealthConfigInput } from '../../station/health/health-config.ts';
import { SessionTracker } from '../../station/health/session-tracker.ts';

export interface PackOutcome {
  id: string;
  label: string;
  sessions: ChargeSession[];
  estimates: BatteryEstimates;
  truth: { sohPct: number; resistance25MilliOhm: number; cycles: number };
  /** |estimate − truth| in percentage points; null when the pack said "not enough data". */
  sohErrorPp: number | null;
  /** |estimate − truth| / truth, %; null when not enough data. */
  resistanceErrorPct: number | null;
}

export interface FleetOutcome {
  packs: PackOutcome[];
  simulatedDays: number;
  /** CPU time the run took (user + system), ms: steadier than wall time on a shared machine. */
  cpuMs: number;
}

export function runFleetHealth(opts: {
  days: number;
  count?: number;
  seed?: number;
  only?: (p: FleetPack) => boolean;
  health?: HealthConfigInput;
}): FleetOutcome {
  const started = process.cpuUsage();
  const cfg = healthConfigSchema.parse(opts.health ?? {});
  const startAt = Date.UTC(2026, 5, 1);
  const packs = fleetScenario(opts.seed ?? 2026, opts.count ?? 24).filter(opts.only ?? (() => true));
  const out: PackOutcome[] = [];
  for (const spec of packs) {
    const tracker = new SessionTracker(1, cfg);
    const sessions: ChargeSession[] = [];
    const run = new FleetPackRun(
      spec,
      { days: opts.days, startAt },
      {
        reading: (at, bms) => sessions.push(...tracker.add({ at, bms })),
        absent: (at) => {
          const s = tracker.absent(at);
          if (s) sessions.push(s);
        },
      },
    );
    const truth = run.run().truth();
    const estimates = estimateHealth(sessions);
    const soh = estimates.stateOfHealth.value;
    const r = estimates.internalResistance.value;
    const r25 = truth.resistance25COhm * 1000;
    out.push({
      id: spec.id,
      label: spec.label,
      sessions,
      estimates,
      truth: { sohPct: truth.sohPct, resistance25MilliOhm: r25, cycles: truth.cycles },
      sohErrorPp: soh === null ? null : Math.abs(soh - truth.sohPct),
      resistanceErrorPct: r === null ? null : (100 * Math.abs(r - r25)) / r25,
    });
  }
  const cpu = process.cpuUsage(started);
  return { packs: out, simulatedDays: opts.days, cpuMs: (cpu.user + cpu.system) / 1000 };
}
