// Turns a dock's freshest readings into the dock object of the telemetry message (contract/messages.ts), one dock
// or the whole station.

import type { DockState, DockTelemetry } from '../../contract/messages.ts';
import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { ChargerReading } from '../../firmware-bridge/charger/charger.ts';
import type { DockView } from '../charging/charging-types.ts';
import type { StationDevices } from '../devices/dock-devices.ts';
import type { Fresh } from '../devices/device-poller.ts';
import { dockFaultCode } from '../faults/dock-condition.ts';

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * A dock whose BMS reading is older than `freshnessMs` shows no battery: what is not known is not reported.
 * State, reason and "do not dispatch" come from the charging core's view when there is one.
 */
export function dockTelemetry(
  dock: number,
  bms: Fresh<BmsReading> | null,
  charger: Fresh<ChargerReading> | null,
  now: number,
  freshnessMs: number,
  view?: DockView,
): DockTelemetry {
  const fresh = bms !== null && now - bms.at <= freshnessMs ? bms.value : null;
  const ch = charger !== null && now - charger.at <= freshnessMs ? charger.value : null;
  let state: DockState = 'empty';
  let reason: string | undefined;
  let code: string | undefined;
  if (view) {
    state = view.state;
    reason = view.reason;
    code = dockFaultCode(view, fresh?.tempsC ?? null)?.code;
  } else if (fresh) {
    state = fresh.protection.length > 0 ? 'fault' : fresh.currentA > 0.05 ? 'charging' : 'idle';
    if (fresh.protection.length > 0) {
      reason = `BMS protection: ${fresh.protection.join(', ')}`;
      code = dockFaultCode({ code: 'bms-protection', quarantined: false }, fresh.tempsC)?.code;
    }
  }
  return {
    dock,
    state,
    ...(reason ? { reason } : {}),
    ...(code ? { code } : {}),
    ...(view?.doNotDispatch ? { doNotDispatch: true } : {}),
    ...(view?.stopped ? { stopped: true } : {}),
    ...(view?.awaitingAck ? { awaitingAck: true } : {}),
    ...(view?.alarm ? { alarm: view.alarm } : {}),
    ...(view?.chargerCycles ? { chargerCycles: view.chargerCycles } : {}),
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

/** Every dock of the station as the next telemetry message will carry it. */
export function stationDockTelemetry(
  devices: StationDevices,
  views: readonly DockView[],
  now: number,
  freshnessMs: number,
): DockTelemetry[] {
  const byDock = new Map(views.map((view) => [view.dock, view]));
  return devices.docks.map((d) =>
    dockTelemetry(
      d.config.dock,
      d.bmsPoller.latest,
      d.chargerPoller?.latest ?? null,
      now,
      freshnessMs,
      byDock.get(d.config.dock),
    ),
  );
}
