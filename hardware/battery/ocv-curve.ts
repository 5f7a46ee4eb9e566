// Open-circuit voltage of one NMC Li-ion cell against its state of charge, as a piecewise-linear table.
// The table runs a little past 0 % and 100 %, so over-discharge and overcharge give cell voltages a BMS can catch.

/** One table point: state of charge as a fraction (0 = empty, 1 = full) and open-circuit voltage in volts. */
export type OcvPoint = readonly [socFraction: number, voltageV: number];

/**
 * NMC (LiNiMnCoO2, 18650/21700) cell at 25 °C, rested: 3.00 V at 0 % (the usable floor, see protocols.md §5),
 * 4.20 V at 100 % (the CV limit). The shape — steep below 10 %, a gentle 3.6–3.75 V plateau, steeper again
 * towards full — follows published NMC OCV curves; the exact millivolts differ by cell maker, the shape is what a
 * charge planner and a SoC estimator have to cope with. Entropic (temperature) shift of OCV is a few mV and left out.
 * Below 0 % the cell still holds a little charge down to 2.0 V; above 100 % it can be forced to about 4.45 V, where a
 * real cell's current-interrupt device opens — the model stops current at both ends.
 */
export const NMC_OCV_TABLE: readonly OcvPoint[] = [
  [-0.04, 2.0],
  [-0.03, 2.5],
  [-0.015, 2.8],
  [0.0, 3.0],
  [0.02, 3.2],
  [0.05, 3.37],
  [0.1, 3.47],
  [0.15, 3.53],
  [0.2, 3.57],
  [0.25, 3.6],
  [0.3, 3.63],
  [0.35, 3.65],
  [0.4, 3.67],
  [0.45, 3.69],
  [0.5, 3.72],
  [0.55, 3.75],
  [0.6, 3.79],
  [0.65, 3.83],
  [0.7, 3.87],
  [0.75, 3.92],
  [0.8, 3.97],
  [0.85, 4.02],
  [0.9, 4.07],
  [0.95, 4.13],
  [1.0, 4.2],
  [1.01, 4.26],
  [1.02, 4.34],
  [1.03, 4.45],
];

const first = NMC_OCV_TABLE[0] as OcvPoint;
const last = NMC_OCV_TABLE[NMC_OCV_TABLE.length - 1] as OcvPoint;

/** Lowest state of charge a cell can reach (fraction); the voltage collapses below it, so no current flows. */
export const SOC_MIN = first[0];
/** Highest state of charge a cell can be forced to (fraction); a real cell's CID would open there. */
export const SOC_MAX = last[0];

function point(i: number): OcvPoint {
  const p = NMC_OCV_TABLE[i];
  if (p === undefined) throw new RangeError(`OCV table has no point ${i}`);
  return p;
}

/** Index of the segment [i, i+1] that holds x in column `col` (0 = SoC, 1 = voltage); x is already clamped. */
function segmentIndex(x: number, col: 0 | 1): number {
  for (let i = 0; i < NMC_OCV_TABLE.length - 2; i++) {
    if (x <= point(i + 1)[col]) return i;
  }
  return NMC_OCV_TABLE.length - 2;
}

/** Open-circuit voltage (V) of one cell at a state of charge given as a fraction; clamped to the table's ends. */
export function cellOcvV(socFraction: number): number {
  const s = Math.min(SOC_MAX, Math.max(SOC_MIN, socFraction));
  const i = segmentIndex(s, 0);
  const [s0, v0] = point(i);
  const [s1, v1] = point(i + 1);
  return v0 + ((v1 - v0) * (s - s0)) / (s1 - s0);
}

/** State of charge (fraction) at which one cell rests at the given voltage; the inverse of cellOcvV. */
export function cellSocAtOcv(voltageV: number): number {
  const v = Math.min(last[1], Math.max(first[1], voltageV));
  const i = segmentIndex(v, 1);
  const [s0, v0] = point(i);
  const [s1, v1] = point(i + 1);
  return s0 + ((s1 - s0) * (v - v0)) / (v1 - v0);
}

// Cumulative ∫OCV d(soc) at each table point, so stored energy is exact for the piecewise-linear curve.
const cumulativeIntegral: readonly number[] = NMC_OCV_TABLE.reduce<number[]>((acc, [s, v], i) => {
  if (i === 0) return [0];
  const [sPrev, vPrev] = point(i - 1);
  acc.push((acc[i - 1] ?? 0) + ((v + vPrev) / 2) * (s - sPrev));
  return acc;
}, []);

/**
 * ∫ OCV d(soc) from SOC_MIN up to `socFraction`, in volts × fraction. Multiplied by a cell's capacity in Ah it is the
 * chemical energy (Wh) the cell holds above its collapse point — the ground truth for energy-balance checks.
 */
export function cellOcvIntegral(socFraction: number): number {
  const s = Math.min(SOC_MAX, Math.max(SOC_MIN, socFraction));
  const i = segmentIndex(s, 0);
  const [s0, v0] = point(i);
  const v = cellOcvV(s);
  return (cumulativeIntegral[i] ?? 0) + ((v0 + v) / 2) * (s - s0);
}
