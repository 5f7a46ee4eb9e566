// How the charging core recovers and what it claims: a fault that clears by itself resumes charging only after a hold
// time of good readings; switch-ons are counted and too many raise a warning; a charge-FET write is reported from
// the readings (refused: still closed, escalated once, resent at a bounded rate; obeyed: seen open).

import { describe, expect, it } from 'vitest';
import type { ChargingEvent } from './charging-types.ts';
import { Rig, simDock, view } from './charging-test-kit.ts';

const onCommands = (rig: Rig) => rig.log.flatMap((r) => r.commands).filter((c) => c.kind === 'on').length;
const allEvents = (rig: Rig): ChargingEvent[] => rig.log.flatMap((r) => r.events);

describe('resume hold', () => {
  it('a stale BMS stops the charger; it starts again only after 10 s of good readings, counted from the last stale one', () => {
    const rig = new Rig([simDock(1)]);
    rig.run(3);
    expect(onCommands(rig)).toBe(1);
    rig.dock(1).bmsSilent = true;
    expect(view(rig.run(16), 1)).toMatchObject({ state: 'fault', code: 'stale-bms' });
    expect(rig.dock(1).out.on).toBe(false);
    rig.dock(1).bmsSilent = false;
    let r = rig.run(50); // 5 s of good readings
    expect(view(r, 1)).toMatchObject({ state: 'idle' });
    expect(view(r, 1).reason).toMatch(/^resuming after stale-bms: [56] s of good readings to go$/);
    // A stale spell during the hold starts it again (the readings must be good for the whole hold).
    rig.dock(1).bmsSilent = true;
    rig.run(16);
    rig.dock(1).bmsSilent = false;
    r = rig.run(90);
    expect(rig.dock(1).out.on).toBe(false);
    expect(onCommands(rig)).toBe(1);
    r = rig.run(15);
    expect(view(r, 1).state).toBe('charging');
    expect(onCommands(rig)).toBe(2);
    expect(view(r, 1).chargerCycles).toBe(2);
  });

  it('is configurable (0 = resume at once)', () => {
    const rig = new Rig([simDock(1)], { recovery: { holdMs: 0 } });
    rig.run(3);
    rig.dock(1).tempsC = [46];
    rig.run(3);
    rig.dock(1).tempsC = [40];
    expect(view(rig.run(3), 1).state).toBe('charging');
  });
});

describe('switch cycles', () => {
  it('counts every switch-on in the view and warns once when a window holds too many', () => {
    const rig = new Rig([simDock(1)], { recovery: { holdMs: 0, cycleWarnCount: 4, cycleWarnWindowMs: 600_000 } });
    for (let i = 0; i < 6; i++) {
      rig.dock(1).tempsC = [25];
      rig.run(3);
      rig.dock(1).tempsC = [46];
      rig.run(3);
    }
    const last = rig.step();
    expect(view(last, 1).chargerCycles).toBe(6);
    const warnings = allEvents(rig).filter((e) => e.type === 'charger-cycling');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', dock: 1, data: { cycles: 4, total: 4 } });
  });
});

describe('charge-FET confirmation', () => {
  const stuck = (fetRefuses: boolean) => {
    const rig = new Rig([simDock(1, { stuckRelay: true, fetRefuses })], { recovery: { fetRetryMs: 2000 } });
    rig.run(3);
    rig.controller.stopCharging(1);
    rig.run(17); // off, not obeyed; offConfirmMs 1.5 s later the FET write
    return rig;
  };

  it('a refused write: the switch is reported still closed, escalated once, and resent every fetRetryMs', () => {
    const rig = stuck(true);
    rig.run(3);
    const events = allEvents(rig);
    const announced = events.find((e) => e.type === 'charger-stuck');
    expect(announced?.message).toContain('is asking the battery');
    expect(events.some((e) => /was opened/.test(e.message))).toBe(false);
    const escalated = events.filter((e) => e.type === 'charge-fet-stuck');
    expect(escalated).toHaveLength(1);
    expect(escalated[0]?.message).toContain('still closed');
    expect(escalated[0]?.message).toContain('refused the write (dock-1/bms: write 0xE1: jbd: status 0x80');
    expect(escalated[0]?.data).toMatchObject({ chargeFetOn: true });
    expect(view(rig.step(), 1).alarm).toBe('charge-fet-stuck');

    const before = rig.fetWrites.length;
    rig.run(100); // 10 s
    const resent = rig.fetWrites.slice(before);
    expect(resent.length).toBe(5);
    expect(resent.every((w) => !w.on)).toBe(true);
    for (let i = 1; i < resent.length; i++)
      expect((resent[i]?.at ?? 0) - (resent[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(2000);
    // Resent on the safety lane: ahead of every other command of its tick.
    for (const r of rig.log)
      r.commands.forEach((c, i) => {
        if (c.kind === 'bms-charge-fet')
          expect(r.commands.slice(0, i).every((x) => x.kind === 'off' || x.kind === 'bms-charge-fet')).toBe(true);
      });
    expect(allEvents(rig).filter((e) => e.type === 'charge-fet-stuck')).toHaveLength(1);

    // The BMS obeys the next write: the opening is reported from the reading that shows it, and the alarm ends.
    rig.dock(1).fetRefuses = false;
    const r = rig.run(25);
    const open = allEvents(rig).filter((e) => e.type === 'charge-fet-open');
    expect(open).toHaveLength(1);
    expect(open[0]?.data).toMatchObject({ chargeFetOn: false, currentA: 0 });
    expect(view(r, 1).alarm).toBeUndefined();
    expect(view(r, 1)).toMatchObject({ state: 'fault', code: 'charger-not-off' });
  });

  it('an obeyed write: no alarm, and the opening is reported once it is seen', () => {
    const rig = stuck(false);
    rig.run(5);
    expect(allEvents(rig).filter((e) => e.type === 'charge-fet-stuck')).toEqual([]);
    expect(allEvents(rig).filter((e) => e.type === 'charge-fet-open')).toHaveLength(1);
    expect(view(rig.step(), 1).alarm).toBeUndefined();
    expect(rig.fetWrites).toHaveLength(1);
  });
});
