import { describe, expect, it } from 'vitest';
import { advanceOdometer, allowanceKm, type OdometerState } from './odometer-guard.ts';

const DAY = 86_400_000;
const T0 = 1_700_000_000_000;
const fresh: OdometerState = { odometerKm: null, lastTachoKm: null, lastControllerKm: null, readingTs: null };
const tacho = (km: number, ts: number) => ({ tachoKm: km, controllerOdometerKm: null, ts });
const ctrl = (km: number, ts: number) => ({ tachoKm: null, controllerOdometerKm: km, ts });

describe('advanceOdometer', () => {
  it('starts from the first tachometer reading and adds what is ridden between readings', () => {
    let s = advanceOdometer(fresh, tacho(12.5, T0), 150).state;
    expect(s.odometerKm).toBe(12.5);
    const step = advanceOdometer(s, tacho(40, T0 + DAY / 2), 150);
    s = step.state;
    expect(step.addedKm).toBeCloseTo(27.5, 9);
    expect(s.odometerKm).toBeCloseTo(40, 9);
  });

  it('takes a tachometer that falls to a small count as a controller restart (pack out), not a fault', () => {
    const s = advanceOdometer(fresh, tacho(80, T0), 150).state;
    const step = advanceOdometer(s, tacho(3, T0 + 2 * DAY), 150);
    expect(step.anomaly).toBeNull();
    expect(step.state.odometerKm).toBeCloseTo(83, 9);
  });

  it('flags a reading that goes backwards without a restart, adds nothing, and goes on from it', () => {
    const s = advanceOdometer(fresh, tacho(900, T0), 150).state;
    const back = advanceOdometer(s, tacho(400, T0 + DAY / 4), 150);
    expect(back.anomaly?.kind).toBe('backwards');
    expect(back.state.odometerKm).toBe(900);
    // The next reading counts from the flagged one: one bad reading costs its own step only.
    const next = advanceOdometer(back.state, tacho(410, T0 + DAY / 2), 150);
    expect(next.anomaly).toBeNull();
    expect(next.state.odometerKm).toBeCloseTo(910, 9);
  });

  it('flags a jump past a day of riding per day away', () => {
    const s = advanceOdometer(fresh, tacho(100, T0), 150).state;
    const jump = advanceOdometer(s, tacho(400, T0 + DAY / 2), 150);
    expect(jump.anomaly?.kind).toBe('jump');
    expect(jump.state.odometerKm).toBe(100);
    // Three days away allow three days of riding.
    const ok = advanceOdometer(s, tacho(400, T0 + 2.5 * DAY), 150);
    expect(ok.anomaly).toBeNull();
    expect(ok.state.odometerKm).toBe(400);
    expect(allowanceKm(150, T0, T0 + 2.5 * DAY)).toBe(450);
  });

  it('uses the controller odometer as lifetime distance where the firmware has one', () => {
    let s = advanceOdometer(fresh, ctrl(1234.5, T0), 150).state;
    expect(s.odometerKm).toBe(1234.5);
    s = advanceOdometer(s, ctrl(1300, T0 + DAY), 150).state;
    expect(s.odometerKm).toBeCloseTo(1300, 9);
    const back = advanceOdometer(s, ctrl(5, T0 + 2 * DAY), 150);
    expect(back.anomaly?.kind).toBe('backwards');
    expect(back.state.odometerKm).toBeCloseTo(1300, 9);
  });
});
