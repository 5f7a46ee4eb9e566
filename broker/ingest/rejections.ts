// Counts rejected payloads per reason for /metrics and logs them at most once per station per minute (with how
// many were suppressed meanwhile), so a station stuck sending garbage cannot flood the log.

import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { REJECT_REASONS, type RejectReason } from './validate.ts';

export const REJECTED_METRIC = 'rikscha_messages_rejected_total';

export class Rejections {
  private readonly lastLogged = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly intervalMs = 60_000,
  ) {
    metrics.counter(
      REJECTED_METRIC,
      'Payloads rejected by validation, by reason',
      REJECT_REASONS.map((reason) => ({ reason })),
    );
  }

  record(
    r: { reason: RejectReason; detail: string; stationId?: string; kind?: string; seq?: number },
    clientId?: string,
  ): void {
    this.metrics.inc(REJECTED_METRIC, { reason: r.reason });
    const key = r.stationId ?? clientId ?? '(unknown)';
    const now = this.clock.monotonic();
    const prev = this.lastLogged.get(key);
    if (prev && now - prev.at < this.intervalMs) {
      prev.suppressed += 1;
      return;
    }
    this.lastLogged.set(key, { at: now, suppressed: 0 });
    this.log.warn(
      {
        stationId: r.stationId,
        clientId,
        reason: r.reason,
        kind: r.kind,
        seq: r.seq,
        detail: r.detail,
        suppressedSinceLast: prev?.suppressed ?? 0,
      },
      'payload rejected',
    );
  }

  count(reason: RejectReason): number {
    return this.metrics.get(REJECTED_METRIC, { reason });
  }
}
