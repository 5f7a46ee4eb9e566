// Capacity from one charge session: each cell's counted charge between two rested anchors over its state-of-charge
// change read off the OCV curve. The weakest cell is the pack's capacity; its error comes from the voltage
// resolution and rest error at both anchors (through the curve's local slope) and the current gain.

import type { CapacityMeasurement } from '../../contract/battery-health.ts';
import type { HealthConfig } from './health-config.ts';
import { socAtOcv } from './ocv-table.ts';

export interface Anchor {
  at: number;
  cellsV: readonly number[];
  /** How long the pack had rested at this reading, s. */
  restS: number;
}

export type CapacityResult = { ok: true; value: CapacityMeasurement } | { ok: false; why: string };

/**
 * `chargedAh`: net charge counted into the pack between the anchors; `bleedAh[i]`: charge the balancer took out of
 * cell i (0-based) over the same time.
 */
export function measureCapacity(
  start: Anchor | null,
  end: Anchor | null,
  chargedAh: number,
  bleedAh: readonly number[],
  cfg: HealthConfig,
): CapacityResult {
  const restMin = Math.round(cfg.minRestS / 60);
  if (!start) return { ok: false, why: 'no rested reading before the charge' };
  if (start.restS < cfg.minRestS)
    return { ok: false, why: `rested ${Math.round(start.restS / 60)} min before the charge, needs ${restMin}` };
  if (!end) return { ok: false, why: `not rested ${restMin} min after the charge` };
  const n = start.cellsV.length;
  if (n === 0 || end.cellsV.length !== n) return { ok: false, why: 'no cell voltages at both ends' };
  const sigmaV = Math.hypot(cfg.voltageResolutionMv / Math.sqrt(12), cfg.ocvErrorMv) / 1000;
  let best: { ah: number; dSoc: number; cell: number; sigmaSoc: number } | null = null;
  for (let i = 0; i < n; i++) {
    const a = socAtOcv(cfg.ocvCurve, start.cellsV[i] ?? 0);
    const b = socAtOcv(cfg.ocvCurve, end.cellsV[i] ?? 0);
    const dSoc = b.soc - a.soc;
    if (dSoc <= 0) continue;
    const ah = (chargedAh - (bleedAh[i] ?? 0)) / dSoc;
    if (best === null || ah < best.ah)
      best = { ah, dSoc, cell: i + 1, sigmaSoc: Math.hypot(sigmaV / a.slopeV, sigmaV / b.slopeV) };
  }
  if (best === null || !(best.ah > 0)) return { ok: false, why: 'the cells did not charge between the anchors' };
  const windowPct = 100 * best.dSoc;
  if (windowPct < cfg.minWindowPct)
    return { ok: false, why: `charged over ${Math.round(windowPct)} % of the cell, needs ${cfg.minWindowPct} %` };
  const rel = Math.hypot(best.sigmaSoc / best.dSoc, cfg.currentGainSigmaPct / 100);
  return {
    ok: true,
    value: {
      ah: round(best.ah, 4),
      sigmaAh: round(best.ah * rel, 4),
      windowPct: round(windowPct, 1),
      weakestCell: best.cell,
      startRestS: Math.round(start.restS),
      endRestS: Math.round(end.restS),
    },
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
