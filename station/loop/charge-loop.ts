// The station's tight loop: every tick it hands the freshest readings to the charging core, writes the commands
// that come back, raises its events, and measures itself (tick duration, lateness, overruns). The systemd
// watchdog is fed from here, so it stops being fed the moment the loop stops ticking.

import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { ChargeController } from '../charging/charge-controller.ts';
import type { BatteryHealth, ChargingEvent, DockInput, DockView, TickResult } from '../charging/charging-types.ts';
import type { StationDevices } from '../devices/dock-devices.ts';
import { CommandWriter } from './command-writer.ts';
import { LoopStats } from './loop-stats.ts';

export interface ChargeLoopOptions {
  clock: Clock;
  log: Logger;
  tickMs: number;
  controller: ChargeController;
  devices: StationDevices;
  onEvents: (events: readonly ChargingEvent[]) => void;
  /** Called every tick after the commands went out (the watchdog, the screen). */
  afterTick?: (result: TickResult) => void;
  /** What the station knows of a pack's health (retired by the central side); undefined: nothing. */
  healthOf?: (batteryId: string) => BatteryHealth | undefined;
}

export class ChargeLoop {
  private timer: TimerHandle | null = null;
  private running = false;
  private next = 0;
  private lastResult: TickResult | null = null;
  readonly stats = new LoopStats();
  readonly writer: CommandWriter;

  constructor(private readonly opts: ChargeLoopOptions) {
    const byDock = new Map(opts.devices.docks.map((d) => [d.config.dock, d]));
    this.writer = new CommandWriter(byDock, opts.log, (cmd, why) => opts.controller.commandFailed(cmd, why));
  }

  start(): void {
    this.running = true;
    this.next = this.opts.clock.monotonic();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
  }

  /**
   * Runs a tick now, between the scheduled ones: a reading that looks unsafe is acted on at once instead of up to a
   * tick period later. Set-point leases are timed in ms, so an extra tick renews nothing early.
   */
  kick(): void {
    if (!this.running || this.inTick) return;
    this.stats.kicks++;
    this.guardedTick();
  }

  /** Monotonic time of the last tick (-Infinity before the first), for the health check. */
  get lastTickAt(): number {
    return this.lastTickMonotonic;
  }

  /** The dock views of the last tick (state, reason, grant), empty before the first. */
  views(): DockView[] {
    return this.lastResult?.docks ?? [];
  }

  private schedule(): void {
    if (!this.running) return;
    const now = this.opts.clock.monotonic();
    // Fixed-rate schedule: a late tick does not push every later one back; missed ticks are skipped, not bunched.
    while (this.next <= now - this.opts.tickMs) {
      this.next += this.opts.tickMs;
      this.stats.skipped++;
    }
    this.timer = this.opts.clock.setTimeout(() => this.runTick(), Math.max(0, this.next - now));
  }

  private runTick(): void {
    const { clock } = this.opts;
    const started = clock.monotonic();
    const lateness = started - this.next;
    this.next += this.opts.tickMs;
    this.guardedTick();
    const duration = clock.monotonic() - started;
    this.stats.record(duration, lateness, this.opts.tickMs);
    this.schedule();
  }

  private inTick = false;
  private lastTickMonotonic = -Infinity;

  private guardedTick(): void {
    this.inTick = true;
    try {
      this.tickOnce();
    } catch (err) {
      // A bug in one tick must not stop the loop; the watchdog still sees it ticking, the log sees the error.
      this.stats.errors++;
      this.opts.log.error({ err: err instanceof Error ? err.stack : String(err) }, 'charge loop tick failed');
    } finally {
      this.inTick = false;
    }
  }

  /** One tick, synchronous: readings in, decisions out. Exposed for deterministic tests. */
  tickOnce(): TickResult {
    const { devices, controller, clock } = this.opts;
    const inputs: DockInput[] = devices.docks.map((d) => ({
      dock: d.config.dock,
      config: { series: d.config.series, chargerMaxA: d.config.charger.maxCurrentA },
      bms: d.bmsPoller.latest,
      charger: d.chargerPoller?.latest ?? null,
      health: d.bmsPoller.latest ? this.opts.healthOf?.(d.bmsPoller.latest.value.id) : undefined,
    }));
    const result = controller.tick({ now: clock.now(), docks: inputs });
    this.writer.write(result.commands);
    // Events are stored (a synchronous, fsynced SQLite commit) only after the commands have reached the wire: the
    // drivers' writes settle in microtasks, setImmediate runs after them, so a charger-off never waits for a disk.
    if (result.events.length > 0) {
      const events = result.events;
      setImmediate(() => this.opts.onEvents(events));
    }
    this.lastResult = result;
    this.lastTickMonotonic = clock.monotonic();
    this.opts.afterTick?.(result);
    return result;
  }
}
