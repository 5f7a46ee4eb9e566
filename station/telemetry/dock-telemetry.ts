// Turns a dock's freshest readings into the dock object of the telemetry message (contract/messages.ts).

import type { DockState, DockTelemetry } from '../../contract/messages.ts';
import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { ChargerReading } from '../../firmware-bridge/charger/charger.ts';
import type { Fresh } from '../devices/device-poller.ts';

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** A dock whose BMS reading is older than `freshnessMs` shows no battery: what is not known is not reported. */
export function dockTelemetry(
  dock: number,
  bms: Fresh<BmsReading> | null,
  charger: Fresh<ChargerReading> | null,
  now: number,
  freshnessMs: number,
): DockTelemetry {
  const fresh = bms !== null && now - bms.at <= freshnessMs ? bms.value : null;
  const ch = charger !== null && now - charger.at <= freshnessMs ? charger.value : null;
  let state: DockState = 'empty';
  if (fresh) state = fresh.protection.length > 0 ? 'fault' : fresh.currentA > 0.05 ? 'charging' : 'idle';
  return {
    dock,
    state,
    ...(fresh && fresh.protection.length > 0 ? { reason: `BMS protection: ${fresh.protection.join(', ')}` } : {}),
    battery: fresh
      ? {
          id: fresh.id,
          socPct: fresh.socPct,
          voltageV: round(fresh.voltageV, 2),
          currentA: round(fresh.currentA, 2),
          cellsV: fresh.cellsV.map((v) => round(v, 3)),
          tempsC: fresh.tempsC,
          cycles: fresh.cycles,
          protection: fresh.protection,
          remainingAh: fresh.remainingAh,
          nominalAh: fresh.nominalAh,
          chargeFetOn: fresh.chargeFetOn,
        }
      : null,
    charger: ch
      ? {
          online: true,
          outputOn: ch.outputOn,
          voltageV: round(ch.voltageV, 2),
          currentA: round(ch.currentA, 2),
          setCurrentA: round(ch.setCurrentA, 2),
          setVoltageV: round(ch.setVoltageV, 2),
        }
      : { online: false, outputOn: false, voltageV: 0, currentA: 0, setCurrentA: 0 },
  };
}
