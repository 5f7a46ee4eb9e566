// A charger with its own comms watchdog is armed at first contact (and again after it comes back), so a station that
// dies leaves it switching itself off instead of running at its last current.

import type { Logger } from 'pino';
import type { ChargerDriver, ChargerReading } from '../../firmware-bridge/charger/charger.ts';
import type { DevicePoller } from './device-poller.ts';

/** The charger's own comms timeout: any request resets it and the station polls every period, so four missed polls, at least 2 s. */
function commsTimeoutMs(pollIntervalMs: number): number {
  return Math.max(2000, 4 * pollIntervalMs);
}

export function armCommsWatchdog(
  charger: ChargerDriver,
  poller: DevicePoller<ChargerReading>,
  pollIntervalMs: number,
  log: Logger,
): void {
  if (!charger.hasCommsWatchdog || !charger.configureTimeout) return;
  const configureTimeout = charger.configureTimeout.bind(charger);
  let armed = false;
  poller.liveness.onChange((state) => {
    if (state !== 'alive') armed = false;
  });
  poller.onReading(() => {
    if (armed) return;
    armed = true;
    configureTimeout(commsTimeoutMs(pollIntervalMs)).catch((err: unknown) => {
      armed = false;
      log.warn(
        { charger: charger.name, err: err instanceof Error ? err.message : String(err) },
        'cannot arm the charger comms watchdog',
      );
    });
  });
}
