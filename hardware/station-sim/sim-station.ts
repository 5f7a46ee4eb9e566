// A station's worth of simulated docks, stepped on an injected clock (optionally faster than real time),
// each BMS listening on a serialport mock-binding port that the station opens as `mock:<path>`.

import type { Clock, TimerHandle } from '../../firmware-bridge/clock/clock.ts';
import { MockSerialDevice } from '../../firmware-bridge/transports/serial-mock-device.ts';
import type { BatteryPackConfigInput } from '../battery/pack-config.ts';
import { SimDock } from './sim-dock.ts';

export interface SimStationOptions {
  stationId: string;
  docks: { dock: number; batteryId: string; pack: BatteryPackConfigInput; standaloneCharger?: { voltageV: number; currentA: number } }[];
  clock: Clock;
  /** Simulated seconds per real second. */
  speed: number;
  /** Physics step period in real ms. */
  stepMs?: number;
  seed: number;
}

export interface SimStationDock {
  dock: SimDock;
  bmsPort: string;
  bmsDevice: MockSerialDevice;
}

export class SimStation {
  readonly docks: SimStationDock[];
  private timer: TimerHandle | null = null;
  private running = false;
  private lastAt = 0;

  constructor(private readonly opts: SimStationOptions) {
    this.docks = opts.docks.map((d, i) => {
      const bmsPort = `rikscha/${opts.stationId}/dock-${d.dock}/bms`;
      const bmsDevice = new MockSerialDevice(bmsPort);
      const dock = new SimDock({ dock: d.dock, batteryId: d.batteryId, pack: d.pack, bmsLine: bmsDevice, seed: opts.seed + i });
      if (d.standaloneCharger) {
        // A plain charger the station cannot control: it is simply on, as a commodity e-bike charger would be.
        dock.charger.setVoltage(d.standaloneCharger.voltageV);
        dock.charger.setCurrent(d.standaloneCharger.currentA);
        dock.charger.setOutput(true);
      }
      return { dock, bmsPort, bmsDevice };
    });
  }

  /** Address a station config uses for a dock's BMS. */
  bmsAddress(dock: number): string {
    const d = this.docks.find((x) => x.dock.dock === dock);
    if (!d) throw new Error(`no simulated dock ${dock}`);
    return `mock:${d.bmsPort}`;
  }

  async start(): Promise<void> {
    for (const d of this.docks) {
      await d.bmsDevice.open();
      d.dock.start();
    }
    this.running = true;
    this.lastAt = this.opts.clock.monotonic();
    this.schedule();
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.opts.clock.setTimeout(() => {
      const now = this.opts.clock.monotonic();
      const dtS = ((now - this.lastAt) / 1000) * this.opts.speed;
      this.lastAt = now;
      for (const d of this.docks) d.dock.step(dtS);
      this.schedule();
    }, this.opts.stepMs ?? 100);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    for (const d of this.docks) {
      d.dock.stop();
      await d.bmsDevice.close();
    }
  }
}
