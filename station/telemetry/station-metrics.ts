// The station's health counters for its status message: per device line health (with the line's reconnects) for
// the docks' devices and the service bays' motor controllers, the charge loop's timing, and the outbox.

import type { StationMetrics } from '../../contract/messages.ts';
import type { StationDevices } from '../devices/dock-devices.ts';
import type { ChargeLoop } from '../loop/charge-loop.ts';
import type { Outbox } from '../store/outbox.ts';
import type { StationBays } from '../bays/station-bays.ts';

export function stationMetrics(
  devices: StationDevices,
  loop: ChargeLoop,
  outbox: Outbox,
  bays?: Pick<StationBays, 'counters'>,
): StationMetrics {
  const reconnectsOf = (address: string | undefined) =>
    devices.lines.find((l) => l.address === address)?.keeper.reconnects ?? 0;
  const entries: StationMetrics['devices'] = [];
  for (const d of devices.docks) {
    entries.push({ device: d.bms.device, ...d.bms.counters(), reconnects: reconnectsOf(d.config.bms.port) });
    if (d.charger)
      entries.push({
        device: d.charger.name,
        ...d.charger.counters(),
        reconnects: reconnectsOf(d.config.charger.port),
      });
  }
  if (bays) entries.push(...bays.counters());
  const s = loop.stats.snapshot();
  return {
    devices: entries,
    loop: {
      ticks: s.ticks,
      overruns: s.overruns,
      skipped: s.skipped,
      errors: s.errors,
      kicks: loop.stats.kicks,
      durationP99Ms: s.durationP99Ms,
      latenessP99Ms: s.latenessP99Ms,
    },
    outbox: { queued: outbox.size(), thinned: outbox.dropped },
  };
}
