// Every telemetry period, the docks as they are now: into the outbox (sent whenever the link is up), then to the
// listeners (local history, daily departures). Timed by the injected clock, so tests step it.

import { topics } from '../../contract/topics.ts';
import type { DockTelemetry, Telemetry } from '../../contract/messages.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { Outbox } from '../store/outbox.ts';
import { StoreFullError } from '../store/store-space.ts';

export interface TelemetryPublisherOptions {
  stationId: string;
  clock: Clock;
  periodMs: number;
  outbox: Outbox;
  /** Sends what the outbox holds (the MQTT link's pump). */
  pump: () => void;
  /** The docks as the message carries them. */
  docks: () => DockTelemetry[];
  /** Called after each message is queued, with its timestamp and docks. */
  onPublished: (ts: number, docks: readonly DockTelemetry[]) => void;
  /** A message that found no room in a full database (not stored, no seq); without it the error is thrown. */
  onDropped?: (err: StoreFullError) => void;
}

export class TelemetryPublisher {
  private timer: TimerHandle | null = null;

  constructor(private readonly opts: TelemetryPublisherOptions) {}

  start(): void {
    const { clock, periodMs } = this.opts;
    this.timer = clock.setTimeout(() => {
      this.publish();
      this.start();
    }, periodMs);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  publish(): void {
    const { stationId, clock, outbox } = this.opts;
    const ts = clock.now();
    const docks = this.opts.docks();
    try {
      outbox.append((seq) => {
        const msg: Telemetry = { stationId, ts, seq, docks };
        return { topic: topics.telemetry(stationId), payload: JSON.stringify(msg), kind: 'telemetry' };
      });
    } catch (err) {
      if (!(err instanceof StoreFullError) || !this.opts.onDropped) throw err;
      this.opts.onDropped(err);
    }
    this.opts.pump();
    this.opts.onPublished(ts, docks);
  }
}
