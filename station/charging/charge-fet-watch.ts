// The station's own use of the BMS charge FET, confirmed by the readings rather than assumed: after a write, the next
// reading taken once the BMS had time to act says whether the switch moved. Until it has, the write is sent again at a
// bounded rate (on the safety lane), an opening that does not happen is escalated once, and every event states only
// what a reading showed.

import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { Fresh } from '../devices/device-poller.ts';
import type { ChargingConfig } from './charging-config.ts';
import type { ChargingEvent } from './charging-types.ts';

export const FET_ALARM = 'charge-fet-stuck';

export interface FetWatch {
  /** What the station asked the BMS for. */
  want: 'open' | 'closed';
  /** Tick time the last write was handed to the bus. */
  sentAt: number;
  attempts: number;
  /** Why the last write failed, as the command writer reported it (e.g. the BMS's error status); null if it did not. */
  writeError: string | null;
  /** A reading taken after the write shows the switch where it was asked to be. */
  confirmed: boolean;
  /** The station has said the switch did not open: the alarm is on until a reading shows it open. */
  escalated: boolean;
}

export function newFetWatch(want: FetWatch['want'], now: number): FetWatch {
  return { want, sentAt: now, attempts: 1, writeError: null, confirmed: false, escalated: false };
}

export interface FetWatchResult {
  /** Send the write again now. */
  resend: boolean;
  events: ChargingEvent[];
}

const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/** One tick of the watch: `bms` is the dock's latest reading with its arrival time, fresh or not. */
export function watchChargeFet(
  w: FetWatch,
  dock: number,
  batteryId: string | null,
  bms: Fresh<BmsReading> | null,
  now: number,
  cfg: ChargingConfig,
): FetWatchResult {
  const events: ChargingEvent[] = [];
  // Only a reading taken after the BMS had time to act on the last write says anything about it.
  const seen = bms !== null && bms.at >= w.sentAt + cfg.charger.offSettleMs ? bms : null;
  const wantOn = w.want === 'closed';
  const observed = {
    chargeFetOn: seen?.value.chargeFetOn ?? null,
    currentA: seen?.value.currentA ?? null,
    readingAt: seen?.at ?? null,
    attempts: w.attempts,
    writeError: w.writeError,
    batteryId,
  };
  if (seen !== null && seen.value.chargeFetOn === wantOn) {
    if (!w.confirmed && w.want === 'open') {
      events.push({
        type: 'charge-fet-open',
        severity: 'warning',
        dock,
        message:
          `dock ${dock}: the battery's charge switch (BMS charge FET) is open: the reading at ${clock(seen.at)} UTC ` +
          `shows it open and the battery taking ${seen.value.currentA.toFixed(2)} A (write ${w.attempts}).` +
          (w.escalated ? ' The alarm is over; the charger fault still needs a person.' : ''),
        data: observed,
      });
    }
    w.confirmed = true;
    w.escalated = false;
    return { resend: false, events };
  }
  w.confirmed = false;
  if (w.want === 'open' && !w.escalated) {
    const overdue = now - w.sentAt >= cfg.charger.offConfirmMs;
    if (w.writeError !== null || seen !== null || overdue) {
      w.escalated = true;
      const why =
        w.writeError !== null
          ? `the BMS refused the write (${w.writeError})`
          : seen === null
            ? `no reading of the battery since the write ${((now - w.sentAt) / 1000).toFixed(1)} s ago`
            : 'the BMS took the write but did not switch';
      const last =
        bms === null
          ? 'there is no reading of the battery at all'
          : `the last reading (${clock(bms.at)} UTC) shows it ${bms.value.chargeFetOn ? 'closed' : 'open'} and the battery taking ${bms.value.currentA.toFixed(2)} A`;
      events.push({
        type: FET_ALARM,
        severity: 'fault',
        dock,
        message:
          `dock ${dock}: the battery's charge switch (BMS charge FET) is still closed, not confirmed open: ${why}; ` +
          `${last}. The station sends the write again every ${(cfg.recovery.fetRetryMs / 1000).toFixed(0)} s. ` +
          'Unplug the battery from the dock and call a mechanic.',
        data: { ...observed, chargeFetOn: bms?.value.chargeFetOn ?? null, currentA: bms?.value.currentA ?? null },
      });
    }
  }
  if (now - w.sentAt < cfg.recovery.fetRetryMs) return { resend: false, events };
  w.sentAt = now;
  w.attempts++;
  w.writeError = null;
  return { resend: true, events };
}
