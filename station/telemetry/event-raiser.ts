// Stores each station event in the outbox with its seq and sends it. When the database is full even after history,
// reserve and old telemetry made room, the event waits in memory (bounded) and is stored first at the next chance.

import { topics } from '../../contract/topics.ts';
import type { StationEvent } from '../../contract/messages.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Outbox } from '../store/outbox.ts';
import { StoreFullError, type StoreSpace } from '../store/store-space.ts';

export type NewEvent = Omit<StationEvent, 'stationId' | 'ts' | 'seq'>;

/** Events held in memory at most while the disk is full; beyond it the oldest `info` events go first. */
const MAX_HELD = 1000;

export class EventRaiser {
  private held: { event: NewEvent; ts: number }[] = [];

  constructor(
    private readonly opts: { stationId: string; clock: Clock; outbox: Outbox; space: StoreSpace; pump: () => void },
  ) {}

  /** The event's seq, or 0 when it is held in memory for now. */
  raise(event: NewEvent): number {
    const ts = this.opts.clock.now();
    if (this.held.length > 0) this.storeHeld();
    const seq = this.held.length > 0 ? 0 : this.store(event, ts);
    if (seq === 0) this.hold(event, ts);
    this.opts.pump();
    return seq;
  }

  /** Stores what waits in memory, oldest first, until one does not fit (called every telemetry period). */
  storeHeld(): void {
    while (this.held.length > 0) {
      const next = this.held[0];
      if (!next || this.store(next.event, next.ts) === 0) return;
      this.held.shift();
    }
  }

  get heldCount(): number {
    return this.held.length;
  }

  private store(event: NewEvent, ts: number): number {
    const { stationId, outbox } = this.opts;
    try {
      return outbox.append((seq) => {
        const msg: StationEvent = { ...event, stationId, ts, seq };
        return { topic: topics.event(stationId), payload: JSON.stringify(msg), kind: 'event' };
      });
    } catch (err) {
      if (!(err instanceof StoreFullError)) throw err;
      this.lastError = err;
      return 0;
    }
  }

  private lastError: unknown;

  private hold(event: NewEvent, ts: number): void {
    this.held.push({ event, ts });
    if (this.held.length > MAX_HELD) {
      const info = this.held.findIndex((h) => h.event.severity === 'info');
      this.held.splice(info >= 0 ? info : 0, 1);
    }
    this.opts.space.eventHeld(this.held.length, this.lastError);
  }
}
