// The station's default OCV curve (its datasheet knowledge) is the simulator's cell model: if one changes, the
// other must, or the estimators would be checked against a different cell than they assume.

import { describe, expect, it } from 'vitest';
import { NMC_OCV_TABLE, cellOcvV } from '../../hardware/battery/ocv-curve.ts';
import { NMC_OCV_POINTS, socAtOcv } from '../../station/health/ocv-table.ts';

describe('station OCV curve', () => {
  it('equals the simulated cell’s curve point for point', () => {
    expect(NMC_OCV_POINTS.map((p) => [...p])).toEqual(NMC_OCV_TABLE.map((p) => [...p]));
  });

  it('inverts the model: socAtOcv(cellOcvV(s)) = s across the usable range', () => {
    for (let s = 0; s <= 1.0001; s += 0.037) expect(socAtOcv(NMC_OCV_POINTS, cellOcvV(s)).soc).toBeCloseTo(s, 9);
  });
});
