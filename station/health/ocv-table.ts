// The cell's open-circuit voltage curve as the station knows it (from the cell datasheet): a piecewise-linear table
// and its inverse, used to read a rested cell's state of charge off its voltage, with the local slope for the error.

export type OcvPoint = readonly [socFraction: number, voltageV: number];

/**
 * NMC cell at 25 °C, rested: 3.00 V empty, 4.20 V full, with the usual plateau in between. A station with another
 * chemistry sets `health.ocvCurve`; a test checks that this default matches the simulator's cell model.
 */
export const NMC_OCV_POINTS: readonly OcvPoint[] = [
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

export interface SocReading {
  /** State of charge, fraction. */
  soc: number;
  /** dV/dSoC of the segment the voltage fell on, V per unit of SoC (to turn a voltage error into a SoC error). */
  slopeV: number;
}

/** State of charge at which a rested cell reads `voltageV`, clamped to the curve's ends, with the local slope. */
export function socAtOcv(curve: readonly OcvPoint[], voltageV: number): SocReading {
  const n = curve.length;
  const first = curve[0];
  const last = curve[n - 1];
  if (!first || !last) throw new RangeError('OCV curve needs at least two points');
  const v = Math.min(last[1], Math.max(first[1], voltageV));
  let i = 0;
  while (i < n - 2 && v > (curve[i + 1]?.[1] ?? Infinity)) i++;
  const [s0, v0] = curve[i] ?? first;
  const [s1, v1] = curve[i + 1] ?? last;
  const slopeV = (v1 - v0) / (s1 - s0);
  return { soc: s0 + (v - v0) / slopeV, slopeV };
}
