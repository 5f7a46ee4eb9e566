// The charge-FET watch states only what readings showed: open when a reading after the write says so, still closed
// (escalated once) when the BMS refused or did not switch, and it sends the write again no faster than fetRetryMs.

import { describe, expect, it } from 'vitest';
import { newFetWatch, watchChargeFet } from './charge-fet-watch.ts';
import { chargingConfig } from './charging-config.ts';
import { bmsReading, T0 } from './charging-test-kit.ts';

const cfg = chargingConfig({ recovery: { fetRetryMs: 2000 } });
const reading = (at: number, chargeFetOn: boolean, currentA = 4) => ({
  at,
  value: bmsReading({ chargeFetOn, currentA }),
});

describe('watchChargeFet', () => {
  it('escalates a refused write once, with the reading, and resends at the bounded rate', () => {
    const w = newFetWatch('open', T0);
    w.writeError = 'status 0x80 for reg 0xe1';
    const first = watchChargeFet(w, 1, 'pack-1', reading(T0 - 100, true), T0 + 50, cfg);
    expect(first.resend).toBe(false);
    expect(first.events).toHaveLength(1);
    expect(first.events[0]).toMatchObject({ type: 'charge-fet-stuck', severity: 'fault', dock: 1 });
    expect(first.events[0]?.message).toContain('still closed');
    expect(first.events[0]?.message).toContain('refused the write (status 0x80');
    expect(first.events[0]?.data).toMatchObject({ chargeFetOn: true, currentA: 4, attempts: 1 });
    expect(w.escalated).toBe(true);

    // Still closed: no second event, and no write before fetRetryMs has passed.
    let resent = 0;
    for (let t = T0 + 100; t <= T0 + 6000; t += 100) {
      const r = watchChargeFet(w, 1, 'pack-1', reading(t - 50, true), t, cfg);
      expect(r.events).toEqual([]);
      if (r.resend) resent++;
    }
    expect(resent).toBe(3);
    expect(w.attempts).toBe(4);
  });

  it('reports the switch open only from a reading taken after the write had time to act', () => {
    const w = newFetWatch('open', T0);
    // A reading from before the settle time says nothing yet, even if it shows the switch open.
    expect(watchChargeFet(w, 2, 'pack-2', reading(T0 + 100, false, 0), T0 + 150, cfg).events).toEqual([]);
    const r = watchChargeFet(w, 2, 'pack-2', reading(T0 + cfg.charger.offSettleMs, false, 0), T0 + 400, cfg);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ type: 'charge-fet-open', data: { chargeFetOn: false, currentA: 0 } });
    expect(w).toMatchObject({ confirmed: true, escalated: false });
    expect(watchChargeFet(w, 2, 'pack-2', reading(T0 + 500, false, 0), T0 + 600, cfg).events).toEqual([]);
  });

  it('escalates when no reading arrives in time after the write', () => {
    const w = newFetWatch('open', T0);
    expect(watchChargeFet(w, 3, null, null, T0 + 1000, cfg).events).toEqual([]);
    const r = watchChargeFet(w, 3, null, null, T0 + cfg.charger.offConfirmMs, cfg);
    expect(r.events[0]?.message).toContain('no reading of the battery since the write');
  });
});
