// Puts the simulator's named faults on a dock at run time and takes them off again, each in the way the station's
// real drivers will meet it on the wire: a port that vanishes, bad bytes, silence, a BMS protection, a charger that
// does not do what it is told, a different battery id after a re-plug. Used by scenarios and the control API.

import { SIM_FAULT_NAMES, simDeviceKindSchema, simFaultNameSchema, type SimFaultName } from '../../contract/sim-api.ts';
import { cellOcvV } from '../battery/ocv-curve.ts';
import type { BatteryPack } from '../battery/battery-pack.ts';
import type { BatteryPackConfigInput } from '../battery/pack-config.ts';
import type { LineFaultKind } from '../line/line-faults.ts';
import type { DeviceKind, SimStation, SimStationDock } from '../station-sim/sim-station.ts';

// The names are part of the simulator's HTTP contract (GET /api/sim lists them): defined once in contract/.
export const FAULT_NAMES = SIM_FAULT_NAMES;
export type FaultName = SimFaultName;
export const faultNameSchema = simFaultNameSchema;
export const deviceKindSchema = simDeviceKindSchema;

/** What a fault acts on: a device's line, the battery itself, or the charger's power stage. */
export type FaultTarget = DeviceKind | 'battery';

export interface ActiveFault {
  dock: number;
  fault: FaultName;
  target: FaultTarget;
  /** Simulated seconds since start when it was injected. */
  sinceS: number;
}

export type FaultErrorCode = 'NO_SUCH_DOCK' | 'NOT_APPLICABLE';

export class FaultError extends Error {
  constructor(
    readonly code: FaultErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FaultError';
  }
}

export interface FaultInjectorOptions {
  /** Temperature the pack is held at by over-temperature, °C. Default 65: above the JBD's 50 °C charge limit. */
  overTemperatureC?: number;
  /** Rest voltage the drifting cell is pushed to, V. Default 4.30: above the JBD's 4.25 V cell limit. */
  driftTargetV?: number;
  /** Which cell drifts (0-based). Default 4 (cell 5). */
  driftCell?: number;
  /** The pack swap-battery puts in; default a half-empty, older pack of the same series with id `SWAP-<dock>`. */
  swapPack?: (dock: number, current: BatteryPack) => { batteryId: string; pack: BatteryPackConfigInput };
}

const LINE_FAULTS: ReadonlySet<FaultName> = new Set(['unplug', 'garbage', 'crc-errors', 'no-answer']);
const BATTERY_FAULTS: ReadonlySet<FaultName> = new Set(['cell-drift-high', 'over-temperature', 'swap-battery']);

interface Record_ extends ActiveFault {
  undo: () => Promise<void>;
}

export class FaultInjector {
  private readonly records: Record_[] = [];

  constructor(
    private readonly station: SimStation,
    private readonly opts: FaultInjectorOptions = {},
  ) {}

  active(): ActiveFault[] {
    return this.records.map(({ dock, fault, target, sinceS }) => ({ dock, fault, target, sinceS }));
  }

  /**
   * Injects `fault` on `dock`. Line faults act on the BMS line unless `device` says otherwise (a charger or VESC line);
   * injecting a fault that is already active does nothing. Throws FaultError for an unknown dock or a fault the dock
   * cannot have (stuck-relay without a controllable charger).
   */
  async inject(dock: number, fault: FaultName, device?: DeviceKind): Promise<ActiveFault> {
    const d = this.findDock(dock);
    const target = this.targetOf(d, fault, device);
    const existing = this.records.find((r) => r.dock === dock && r.fault === fault && r.target === target);
    if (existing) return existing;
    const undo = await this.apply(d, fault, target);
    const rec: Record_ = { dock, fault, target, sinceS: this.station.simTimeS, undo };
    this.records.push(rec);
    return rec;
  }

  /** Clears every fault, or those of one dock, or one fault of one dock; returns what was cleared. */
  async clear(filter: { dock?: number; fault?: FaultName } = {}): Promise<ActiveFault[]> {
    if (filter.dock !== undefined) this.findDock(filter.dock);
    const gone = this.records.filter(
      (r) =>
        (filter.dock === undefined || r.dock === filter.dock) &&
        (filter.fault === undefined || r.fault === filter.fault),
    );
    // Newest first, so stacked faults unwind in reverse (a swap undone before the unplug under it).
    for (const r of [...gone].reverse()) {
      this.records.splice(this.records.indexOf(r), 1);
      await r.undo();
    }
    return gone.map(({ dock, fault, target, sinceS }) => ({ dock, fault, target, sinceS }));
  }

  /** Replaces a dock's battery the way a person does: the BMS cable is pulled, another pack goes in, cable back. */
  async replaceBattery(dock: number, change: (d: SimStationDock) => void): Promise<void> {
    const d = this.findDock(dock);
    const wasPresent = d.bms.present;
    if (wasPresent) await d.bms.unplug();
    change(d);
    if (wasPresent) await d.bms.plug();
  }

  private findDock(dock: number): SimStationDock {
    const d = this.station.docks.find((x) => x.dock.dock === dock);
    if (!d)
      throw new FaultError(
        'NO_SUCH_DOCK',
        `no dock ${dock}; this station has docks ${this.station.docks.map((x) => x.dock.dock).join(', ')}`,
      );
    return d;
  }

  private targetOf(d: SimStationDock, fault: FaultName, device: DeviceKind | undefined): FaultTarget {
    const n = d.dock.dock;
    if (LINE_FAULTS.has(fault)) {
      const kind = device ?? 'bms';
      if (!this.station.port(n, kind))
        throw new FaultError('NOT_APPLICABLE', `dock ${n} has no ${kind} to put ${fault} on`);
      return kind;
    }
    if (BATTERY_FAULTS.has(fault)) {
      if (device !== undefined && device !== 'bms')
        throw new FaultError('NOT_APPLICABLE', `${fault} acts on the battery, not on the ${device}`);
      return 'battery';
    }
    if (device !== undefined && device !== 'charger')
      throw new FaultError('NOT_APPLICABLE', `${fault} acts on the charger, not on the ${device}`);
    if (!d.dock.riden) throw new FaultError('NOT_APPLICABLE', `dock ${n} has no controllable charger for ${fault}`);
    return 'charger';
  }

  private async apply(d: SimStationDock, fault: FaultName, target: FaultTarget): Promise<() => Promise<void>> {
    const dock = d.dock;
    switch (fault) {
      case 'unplug': {
        const port = this.station.port(dock.dock, target as DeviceKind);
        if (!port) throw new FaultError('NOT_APPLICABLE', `dock ${dock.dock} has no ${target}`);
        await port.unplug();
        return async () => {
          // A shared bus stays unplugged while another dock's unplug fault still holds it.
          const held = this.records.some(
            (r) => r.fault === 'unplug' && this.station.port(r.dock, r.target as DeviceKind) === port,
          );
          if (!held) await port.plug();
        };
      }
      case 'garbage':
      case 'crc-errors':
      case 'no-answer':
        return this.lineFault(d, fault, target as DeviceKind);
      case 'cell-drift-high': {
        const pack = dock.pack;
        const cell = Math.min(this.opts.driftCell ?? 4, pack.series - 1);
        const restV = cellOcvV((pack.truth().cellSocPct[cell] ?? 50) / 100);
        pack.driftCell(cell, Math.max(50, ((this.opts.driftTargetV ?? 4.3) - restV) * 1000));
        return async () => pack.clearDrift(cell);
      }
      case 'over-temperature': {
        const pack = dock.pack;
        const before = pack.truth().temperatureC;
        pack.forceTemperature(this.opts.overTemperatureC ?? 65);
        // Cleared as if the pack had been cooled: back to where it was, then free to follow ambient again.
        return async () => {
          pack.forceTemperature(before);
          pack.forceTemperature(null);
        };
      }
      case 'stuck-relay':
      case 'ignore-setpoints': {
        const kind = fault === 'stuck-relay' ? 'stuckRelay' : 'ignoreSetpoints';
        dock.riden?.registers.setFault(kind, true);
        return async () => dock.riden?.registers.setFault(kind, false);
      }
      case 'swap-battery': {
        const next = (this.opts.swapPack ?? defaultSwapPack)(dock.dock, dock.pack);
        await this.replaceBattery(dock.dock, (x) => x.dock.swapBattery(next.batteryId, next.pack));
        return () => this.replaceBattery(dock.dock, (x) => x.dock.restoreBattery());
      }
    }
  }

  private lineFault(d: SimStationDock, fault: LineFaultKind, target: DeviceKind): () => Promise<void> {
    const dock = d.dock;
    if (target === 'vesc') {
      this.applyVesc(d, fault);
      return async () => {
        dock.vesc?.clearFaults();
        for (const r of this.records)
          if (r.dock === dock.dock && r.target === 'vesc' && r.fault !== 'unplug')
            this.applyVesc(d, r.fault as LineFaultKind);
      };
    }
    const faults = target === 'bms' ? dock.bmsFaults : dock.chargerFaults;
    faults?.set(fault);
    return async () => faults?.clear(fault);
  }

  private applyVesc(d: SimStationDock, fault: LineFaultKind): void {
    const v = d.dock.vesc;
    if (fault === 'no-answer') v?.setNoAnswer(true);
    else if (fault === 'crc-errors') v?.corruptNextReplies(Number.MAX_SAFE_INTEGER);
    else if (fault === 'garbage') v?.garbageBeforeReplies(7);
  }
}

/** A different, older pack of the same voltage class, half empty: clearly not the one that was charging. */
function defaultSwapPack(dock: number, current: BatteryPack): { batteryId: string; pack: BatteryPackConfigInput } {
  const c = current.config;
  return {
    batteryId: `SWAP-${c.series}S-${String(dock).padStart(4, '0')}`,
    pack: {
      series: c.series,
      capacityAh: c.capacityAh,
      socPct: 35,
      ageCycles: c.ageCycles + 400,
      ambientC: current.truth().ambientC,
      seed: (c.seed + 7919) % 0xffffffff,
    },
  };
}
