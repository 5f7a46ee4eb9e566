// One simulated dock: a battery pack model behind a JBD BMS on a serial line, and a CC/CV charger wired to it
// through the BMS's charge MOSFET. The station's real drivers talk to it over the wire protocols only.

import type { ByteTransport } from '../../firmware-bridge/transports/transport.ts';
import { BatteryPack } from '../battery/battery-pack.ts';
import { ChargerModel, type ChargeablePack } from '../battery/charger-model.ts';
import type { BatteryPackConfigInput } from '../battery/pack-config.ts';
import { JbdBmsSim, type MeasuredPack } from '../jbd/jbd-bms-sim.ts';
import { LineFaults } from '../line/line-faults.ts';

export interface SimDockOptions {
  dock: number;
  /** Identity the BMS reports (0x05); unique per pack in the simulator. */
  batteryId: string;
  pack: BatteryPackConfigInput;
  bmsLine: ByteTransport;
  seed: number;
}

/** The pack as its BMS measures it. */
function measured(pack: BatteryPack): MeasuredPack {
  return {
    cellVoltagesV: () => pack.cellVoltagesV(),
    terminalVoltageV: () => pack.terminalVoltageV(),
    currentA: () => pack.currentA(),
    socPct: () => pack.socPct(),
    temperaturesC: () => pack.temperaturesC(),
    remainingAh: () => pack.remainingAh(),
    ratedAh: () => pack.ratedCapacityAh,
    cycles: () => pack.cycles,
  };
}

export class SimDock {
  readonly dock: number;
  pack: BatteryPack;
  batteryId: string;
  readonly charger = new ChargerModel();
  readonly bmsFaults: LineFaults;
  bms: JbdBmsSim;
  private readonly gated: ChargeablePack;

  constructor(private readonly opts: SimDockOptions) {
    this.dock = opts.dock;
    this.batteryId = opts.batteryId;
    this.pack = new BatteryPack(opts.pack);
    this.bmsFaults = new LineFaults(opts.seed);
    this.bms = new JbdBmsSim(opts.bmsLine, { hardwareId: opts.batteryId, pack: measured(this.pack), faults: this.bmsFaults });
    // Charge current flows only while the BMS keeps its charge MOSFET closed.
    this.gated = {
      openCircuitVoltageV: () => this.pack.openCircuitVoltageV(),
      resistanceOhm: () => this.pack.resistanceOhm(),
      terminalVoltageV: () => this.pack.terminalVoltageV(),
      step: (dt, i) => this.pack.step(dt, this.bms.chargeFetOn() ? i : Math.min(0, i)),
    };
  }

  start(): void {
    this.bms.start();
  }

  stop(): void {
    this.bms.stop();
  }

  /** Advances the physics by `dtS` simulated seconds. */
  step(dtS: number): void {
    this.charger.step(this.gated, dtS);
    this.bms.evaluate();
  }
}
