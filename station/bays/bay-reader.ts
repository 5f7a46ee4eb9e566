// One service bay: polls its motor controller at a modest rate, knows whether a rickshaw is docked (its controller
// answers) and which one (the hardware id of the firmware-version answer), and raises the rickshaw events:
// arrived, reading (every readingIntervalMs), fault (when the controller's fault code changes to a fault), left.

import type { Logger } from 'pino';
import type { RickshawEventType, RickshawReading } from '../../contract/rickshaws.ts';
import { RICKSHAW_LEFT_REASONS } from '../../contract/rickshaws.ts';
import type { VescFirmwareInfo } from '../../firmware-bridge/vesc/vesc-commands.ts';
import type { VescReadings } from '../../firmware-bridge/vesc/vesc-driver.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import { implausible, toRickshawReading } from './bay-reading.ts';

/** What a bay needs of the controller's driver (VescDriver does this). */
export interface BayController {
  readFirmware(): Promise<VescFirmwareInfo>;
  readValues(): Promise<VescReadings>;
}

export type LeftReason = (typeof RICKSHAW_LEFT_REASONS)[number];

export interface BayEvent {
  type: RickshawEventType;
  severity: 'info' | 'warning' | 'fault';
  message: string;
  data: Record<string, unknown>;
}

export interface BayReaderOptions {
  bay: number;
  controller: BayController;
  clock: Clock;
  log: Logger;
  pollIntervalMs: number;
  readingIntervalMs: number;
  missesToLeave: number;
  /** The firmware-version answer is asked again every this many polls while docked, to notice a swapped rickshaw. */
  idCheckEvery?: number;
  publish: (event: BayEvent) => void;
}

/** The rickshaw in the bay, as the station sees it. */
export interface Docked {
  hwId: string;
  firmware: { major: number; minor: number; hwName: string };
  since: number;
  reading: RickshawReading | null;
  readingAt: number | null;
}

export interface BayCounters {
  polls: number;
  answers: number;
  misses: number;
  /** Reads whose values cannot be real (not published). */
  badReadings: number;
  /** A firmware-version answer without a hardware id (too old a firmware): the rickshaw cannot be told apart. */
  noId: number;
  idChanges: number;
  arrivals: number;
  departures: number;
}

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class BayReader {
  readonly bay: number;
  docked: Docked | null = null;
  readonly counters: BayCounters = {
    polls: 0,
    answers: 0,
    misses: 0,
    badReadings: 0,
    noId: 0,
    idChanges: 0,
    arrivals: 0,
    departures: 0,
  };
  private missesInRow = 0;
  private pollsDocked = 0;
  private lastPublishedAt = 0;
  private faultCode = 0;
  private timer: TimerHandle | null = null;
  private running = false;
  private polling: Promise<void> | null = null;
  private readonly listeners = new Set<(docked: Docked | null) => void>();

  constructor(private readonly opts: BayReaderOptions) {
    this.bay = opts.bay;
  }

  /** Called when a rickshaw arrives, leaves or a new reading comes in. */
  onChange(listener: (docked: Docked | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Stops polling; a rickshaw still docked leaves with `station-stopped`, so the central side does not keep it. */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    await this.polling;
    if (this.docked) this.leave('station-stopped');
  }

  /** The bay's line closed (adapter pulled, bridge gone): whoever was docked has left. */
  lineLost(): void {
    if (this.docked) this.leave('line-lost');
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = this.opts.clock.setTimeout(() => {
      this.polling = this.poll().finally(() => (this.polling = null));
    }, ms);
  }

  private async poll(): Promise<void> {
    const started = this.opts.clock.monotonic();
    this.counters.polls++;
    try {
      if (this.docked) await this.pollDocked(this.docked);
      else await this.pollEmpty();
    } catch (err) {
      // Never let one bad exchange end the polling: it is logged and counted, and the next poll tries again.
      this.opts.log.warn({ bay: this.bay, err: errText(err) }, 'bay poll failed');
    }
    const spent = this.opts.clock.monotonic() - started;
    this.schedule(Math.max(0, this.opts.pollIntervalMs - spent));
  }

  /** Empty bay: a firmware-version answer with a hardware id, then a first reading, make an arrival. */
  private async pollEmpty(): Promise<void> {
    let fw: VescFirmwareInfo;
    try {
      fw = await this.opts.controller.readFirmware();
    } catch {
      return; // nobody there: the normal case for an empty bay, not counted as a miss
    }
    this.counters.answers++;
    if (!fw.uuid) {
      this.counters.noId++;
      if (this.counters.noId === 1)
        this.opts.log.warn(
          { bay: this.bay, fw: `${fw.major}.${fw.minor}` },
          'controller answers without a hardware id',
        );
      return;
    }
    const reading = await this.read();
    if (!reading) return;
    this.arrive(fw, reading);
  }

  private async pollDocked(d: Docked): Promise<void> {
    this.pollsDocked++;
    if (this.pollsDocked % (this.opts.idCheckEvery ?? 10) === 0) {
      const fw = await this.opts.controller.readFirmware().catch(() => null);
      if (fw === null) return this.missed(d);
      if (fw.uuid && fw.uuid !== d.hwId) {
        this.counters.idChanges++;
        this.opts.log.warn({ bay: this.bay, was: d.hwId, now: fw.uuid }, 'another controller answers in the bay');
        this.leave('id-changed');
        const reading = await this.read();
        if (reading) this.arrive(fw, reading);
        return;
      }
    }
    const reading = await this.read();
    if (reading === undefined) return this.missed(d);
    if (reading === null) return; // answered, but not believable: counted, not published
    this.missesInRow = 0;
    this.took(d, reading);
  }

  /** A reading; undefined when the controller did not answer, null when its answer was not believable. */
  private async read(): Promise<RickshawReading | null | undefined> {
    let v: VescReadings;
    try {
      v = await this.opts.controller.readValues();
    } catch {
      return undefined;
    }
    this.counters.answers++;
    const why = implausible(v);
    if (why) {
      this.counters.badReadings++;
      this.opts.log.warn({ bay: this.bay, why, count: this.counters.badReadings }, 'implausible controller reading');
      return null;
    }
    return toRickshawReading(v, null);
  }

  private missed(d: Docked): void {
    this.counters.misses++;
    this.missesInRow++;
    if (this.missesInRow >= this.opts.missesToLeave) {
      this.opts.log.info({ bay: this.bay, hwId: d.hwId, misses: this.missesInRow }, 'controller stopped answering');
      this.leave('no-answer');
    }
  }

  private arrive(fw: VescFirmwareInfo, reading: RickshawReading): void {
    const now = this.opts.clock.now();
    const hwId = (fw.uuid ?? '').toLowerCase();
    const d: Docked = {
      hwId,
      firmware: { major: fw.major, minor: fw.minor, hwName: fw.hwName },
      since: now,
      reading,
      readingAt: now,
    };
    this.docked = d;
    this.missesInRow = 0;
    this.pollsDocked = 0;
    this.lastPublishedAt = now;
    this.faultCode = reading.fault.code;
    this.counters.arrivals++;
    this.opts.publish({
      type: 'rickshaw-arrived',
      severity: 'info',
      message: `rickshaw ${hwId} arrived in bay ${this.bay}`,
      data: { bay: this.bay, hwId, firmware: d.firmware, reading },
    });
    if (reading.fault.code !== 0) this.publishFault(d, reading);
    this.emit();
  }

  private took(d: Docked, reading: RickshawReading): void {
    const now = this.opts.clock.now();
    d.reading = reading;
    d.readingAt = now;
    const code = reading.fault.code;
    if (code !== this.faultCode) {
      this.faultCode = code;
      if (code !== 0) this.publishFault(d, reading);
      else this.publishReading(d, reading, now); // the fault cleared: say so at once
    } else if (now - this.lastPublishedAt >= this.opts.readingIntervalMs) {
      this.publishReading(d, reading, now);
    }
    this.emit();
  }

  private publishReading(d: Docked, reading: RickshawReading, now: number): void {
    this.lastPublishedAt = now;
    this.opts.publish({
      type: 'rickshaw-reading',
      severity: 'info',
      message: `rickshaw ${d.hwId} in bay ${this.bay}: reading`,
      data: { bay: this.bay, hwId: d.hwId, reading },
    });
  }

  private publishFault(d: Docked, reading: RickshawReading): void {
    this.lastPublishedAt = this.opts.clock.now();
    this.opts.publish({
      type: 'rickshaw-fault',
      severity: 'fault',
      message: `rickshaw ${d.hwId} in bay ${this.bay}: controller fault ${reading.fault.name} (${reading.fault.code})`,
      data: { bay: this.bay, hwId: d.hwId, reading },
    });
  }

  private leave(reason: LeftReason): void {
    const d = this.docked;
    if (!d) return;
    this.docked = null;
    this.counters.departures++;
    this.opts.publish({
      type: 'rickshaw-left',
      severity: 'info',
      message: `rickshaw ${d.hwId} left bay ${this.bay} (${reason})`,
      data: { bay: this.bay, hwId: d.hwId, reason, reading: d.reading },
    });
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l(this.docked);
  }
}
