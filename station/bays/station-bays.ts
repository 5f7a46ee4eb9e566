// The station's service bays composed: one line (transport, keeper, request bus) per bay, never shared with a
// dock, a VESC driver and a BayReader each. Events go out through the caller's `raise` (the station's outbox).

import type { Logger } from 'pino';
import { LineKeeper } from '../../firmware-bridge/bus/line-keeper.ts';
import { RequestBus } from '../../firmware-bridge/bus/request-bus.ts';
import type { DeviceCountersSnapshot } from '../../firmware-bridge/bus/device-counters.ts';
import { createTransport } from '../../firmware-bridge/transports/transport-factory.ts';
import { VescDriver } from '../../firmware-bridge/vesc/vesc-driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { odometerFor, type BayConfig } from './bay-config.ts';
import { BayReader, type BayCounters, type BayEvent } from './bay-reader.ts';
import { commandArgs } from '../../contract/commands.ts';
import type { Command } from '../../contract/messages.ts';
import { RickshawNotices, type BayShown } from './rickshaw-notices.ts';

export interface Bay {
  config: BayConfig;
  keeper: LineKeeper;
  bus: RequestBus;
  driver: VescDriver;
  reader: BayReader;
}

export interface BayMetrics {
  bay: number;
  docked: boolean;
  counters: BayCounters;
}

export interface StationBays {
  readonly bays: Bay[];
  /** What the central side said about the rickshaws docked here (names, services due), for the screen. */
  readonly notices: RickshawNotices;
  /** The docked rickshaws with what the screen should say about each. */
  shown(): BayShown[];
  /** The `rickshaw-notice` command from the central side: a name and the due services; throws for bad arguments. */
  applyNotice(cmd: Command): unknown;
  start(): void;
  stop(): Promise<void>;
  /** Line counters of each bay's controller (with its line's reopenings), for the station's metrics. */
  counters(): Array<DeviceCountersSnapshot & { device: string; reconnects: number }>;
  /** Per bay: whether a rickshaw is docked, and its reader's counters (polls, misses, arrivals...). */
  readers(): BayMetrics[];
}

export function createStationBays(
  configs: readonly BayConfig[],
  deps: { clock: Clock; log: Logger; raise: (event: BayEvent) => void },
): StationBays {
  const { clock, log } = deps;
  const notices = new RickshawNotices();
  const bays = configs.map((cfg): Bay => {
    const blog = log.child({ bay: cfg.bay });
    const transport = createTransport(cfg.port, { baudRate: cfg.baudRate });
    const keeper = new LineKeeper(transport, { clock, log: blog }); // it logs `line` itself
    const bus = new RequestBus(transport, { clock });
    const driver = new VescDriver(bus, {
      device: `bay-${cfg.bay}/vesc`,
      timeoutMs: cfg.timeoutMs,
      ...(cfg.geometry ? { odometer: odometerFor(cfg.geometry) } : {}),
    });
    const reader = new BayReader({
      bay: cfg.bay,
      controller: driver,
      clock,
      log, // the reader names its bay in every line: the `bay` binding would put the key in twice
      pollIntervalMs: cfg.pollIntervalMs,
      readingIntervalMs: cfg.readingIntervalMs,
      missesToLeave: cfg.missesToLeave,
      publish: deps.raise,
    });
    keeper.onChange((open) => {
      if (!open) reader.lineLost();
    });
    reader.onChange((docked) => notices.docked(cfg.bay, docked?.hwId ?? null));
    return { config: cfg, keeper, bus, driver, reader };
  });
  const byBay = new Map(bays.map((b) => [b.config.bay, b]));
  return {
    bays,
    notices,
    shown: () => notices.shown((bay) => byBay.get(bay)?.reader.docked?.reading ?? null),
    applyNotice(cmd) {
      const a = commandArgs['rickshaw-notice'].safeParse(cmd.args ?? {});
      if (!a.success) throw new Error(a.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      notices.setCentral(a.data.hwId, { name: a.data.name, tasks: a.data.tasks });
      return { hwId: a.data.hwId, shown: true };
    },
    start() {
      for (const b of bays) {
        b.keeper.start();
        b.reader.start();
      }
    },
    async stop() {
      await Promise.all(bays.map((b) => b.reader.stop()));
      for (const b of bays) {
        b.bus.dispose();
        await b.keeper.stop();
      }
    },
    counters: () =>
      bays.map((b) => ({ device: b.driver.device, ...b.driver.counters(), reconnects: b.keeper.reconnects })),
    readers: () =>
      bays.map((b) => ({ bay: b.config.bay, docked: b.reader.docked !== null, counters: { ...b.reader.counters } })),
  };
}
