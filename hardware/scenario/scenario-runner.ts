// Builds a SimStation from a scenario and plays its timeline on the station's simulated time (so a day runs the same
// on a manual clock in a test as at 100x speed on the bench): faults on and off, weather, battery swaps, rides.

import type { Clock } from '../../lib/clock.ts';
import type { BatteryPackConfigInput } from '../battery/pack-config.ts';
import { FaultInjector } from '../faults/fault-injector.ts';
import type { SimPortFactory } from '../ports/sim-port.ts';
import { SimStation } from '../station-sim/sim-station.ts';
import type { BatterySpec, Scenario, TimelineEvent } from './scenario-schema.ts';

/** The pack model's config for a battery in a scenario; the seed falls back to one derived from scenario and dock. */
export function packConfigOf(
  spec: BatterySpec,
  scenario: Pick<Scenario, 'seed' | 'ambientC'>,
  dock: number,
): BatteryPackConfigInput {
  return {
    series: spec.series,
    capacityAh: spec.capacityAh,
    ageCycles: spec.ageCycles,
    socPct: spec.socPct,
    ambientC: scenario.ambientC,
    ...(spec.tempC !== undefined ? { tempC: spec.tempC } : {}),
    ...(spec.weakCell !== undefined ? { weakCell: { index: spec.weakCell } } : {}),
    seed: spec.seed ?? (scenario.seed * 31 + dock * 101) % 0xffffffff,
  };
}

export interface BuildOptions {
  clock: Clock;
  ports?: SimPortFactory;
  paceReplies?: boolean;
}

export function buildSimStation(s: Scenario, opts: BuildOptions): SimStation {
  return new SimStation({
    stationId: s.stationId,
    clock: opts.clock,
    speed: s.speed,
    stepMs: s.stepMs,
    seed: s.seed,
    ...(opts.ports ? { ports: opts.ports } : {}),
    ...(opts.paceReplies ? { paceReplies: true } : {}),
    docks: s.docks.map((d) => ({
      dock: d.dock,
      batteryId: d.battery.id,
      pack: packConfigOf(d.battery, s, d.dock),
      ...(d.charger.type === 'riden'
        ? { charger: { unit: d.charger.unit, ...(d.charger.bus ? { bus: d.charger.bus } : {}) } }
        : {}),
      ...(d.charger.type === 'standalone'
        ? { standaloneCharger: { voltageV: d.charger.voltageV, currentA: d.charger.currentA } }
        : {}),
      ...(d.rickshaw?.present
        ? { rickshaw: true, ...(d.rickshaw.id ? { rickshawId: d.rickshaw.id } : {}), rickshawKm: d.rickshaw.km }
        : {}),
    })),
  });
}

/** A timeline entry, or the end of a ride (which the runner schedules itself). */
type Due = { at: number; event: TimelineEvent } | { at: number; event: { type: 'ride-end'; dock: number } };

export interface AppliedEvent {
  /** When it was due and when it was applied, simulated s (one physics step may cover several events). */
  at: number;
  appliedAtS: number;
  type: string;
  dock?: number;
  error?: string;
}

export class ScenarioRunner {
  readonly applied: AppliedEvent[] = [];
  private readonly due: Due[];
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private readonly listeners = new Set<(e: AppliedEvent) => void>();

  constructor(
    private readonly station: SimStation,
    private readonly scenario: Scenario,
    readonly faults: FaultInjector = new FaultInjector(station),
  ) {
    // Stable sort: events at the same second keep the file's order.
    this.due = scenario.timeline.map((event) => ({ at: event.at, event })).sort((a, b) => a.at - b.at);
  }

  /** Events still to come (incl. the ends of rides under way). */
  get pending(): number {
    return this.due.length;
  }

  onEvent(listener: (e: AppliedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hooks onto the station's physics steps; events at 0 s apply on the first step. */
  start(): void {
    this.unsubscribe ??= this.station.onStep((t) => this.tick(t));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Resolves when every event taken so far has been applied (port changes are asynchronous). */
  idle(): Promise<void> {
    return this.chain;
  }

  private tick(simTimeS: number): void {
    while (this.due.length > 0 && (this.due[0]?.at ?? Infinity) <= simTimeS) {
      const d = this.due.shift();
      if (d) this.chain = this.chain.then(() => this.apply(d, simTimeS));
    }
  }

  private async apply(d: Due, simTimeS: number): Promise<void> {
    const e = d.event;
    const record: AppliedEvent = {
      at: d.at,
      appliedAtS: simTimeS,
      type: e.type,
      ...('dock' in e && e.dock !== undefined ? { dock: e.dock } : {}),
    };
    try {
      await this.run(e, d.at);
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    this.applied.push(record);
    for (const l of this.listeners) l(record);
  }

  private async run(e: Due['event'], at: number): Promise<void> {
    const st = this.station;
    switch (e.type) {
      case 'fault':
        await this.faults.inject(e.dock, e.fault, e.device);
        return;
      case 'clear-fault':
        await this.faults.clear({
          ...(e.dock !== undefined ? { dock: e.dock } : {}),
          ...(e.fault ? { fault: e.fault } : {}),
        });
        return;
      case 'ambient':
        st.setAmbient(e.ambientC);
        return;
      case 'swap-battery': {
        const pack = packConfigOf(
          e.battery,
          { seed: this.scenario.seed, ambientC: st.dock(e.dock).dock.pack.truth().ambientC },
          e.dock,
        );
        await this.faults.replaceBattery(e.dock, (x) => x.dock.swapBattery(e.battery.id, pack));
        return;
      }
      case 'rickshaw-fault':
        st.dock(e.dock).dock.vesc?.setFault(e.fault);
        return;
      case 'ride': {
        // The rickshaw leaves with its battery: the BMS and VESC lines go with it until it is back.
        const d = st.dock(e.dock);
        await d.bms.unplug();
        await d.vesc?.unplug();
        d.dock.startRide(e.loadA, e.speedKmh);
        const end: Due = { at: at + e.durationS, event: { type: 'ride-end', dock: e.dock } };
        const i = this.due.findIndex((x) => x.at > end.at);
        this.due.splice(i < 0 ? this.due.length : i, 0, end);
        return;
      }
      case 'ride-end': {
        const d = st.dock(e.dock);
        d.dock.endRide();
        await d.bms.plug();
        await d.vesc?.plug();
        return;
      }
    }
  }
}
