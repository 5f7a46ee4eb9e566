// Check-out at the station on the virtual I/O board against the real charging core and a manual clock: the booking
// page names each pack and dock, a pack leaving its reserved dock is shown with its SoC and confirmed by a long press
// (or by the readings when nobody presses), a pack put back ends the prompt, and packs from the wrong dock are shown.

import { describe, expect, it } from 'vitest';
import { packOutDataSchema, packTakenUnbookedDataSchema } from '../../contract/station-checkout.ts';
import { Rig, simDock, T0, view } from '../charging/charging-test-kit.ts';
import type { DockDevices } from '../devices/dock-devices.ts';
import { CONFIRM_MS } from './checkout-prompt.ts';
import { closeBoardsAfterEach, openTestBoard } from './panel-test-kit.ts';

const B = 'B-7KQ2M';
const C = 'B-C3PXX';
closeBoardsAfterEach();

async function station(rig: Rig) {
  /** The BMS readings as the station's pollers hold them (only the SoC matters to the screen). */
  const devices = () =>
    new Map(
      rig.docks.map((d) => [
        d.dock,
        {
          bmsPoller: {
            latest: d.batteryId === null ? null : { at: rig.now, value: { socPct: Math.round(d.soc), tempsC: [25] } },
          },
        } as unknown as DockDevices,
      ]),
    );
  const { clock, tick, ticks, press, screen, events } = await openTestBoard(rig, { clockStartMs: T0, devices });
  const reservedFor = (id: string) =>
    rig.controller
      .views()
      .filter((x) => x.bookingId === id)
      .map((x) => x.dock);
  return { clock, tick, ticks, press, screen, events, reservedFor };
}

/** Three packs: two good ones for the ride, one low. No charging (full enough), so nothing else moves. */
function rig(): Rig {
  const r = new Rig([simDock(1, { soc: 92 }), simDock(2, { soc: 88 }), simDock(3, { soc: 35 })]);
  r.controller.addBooking({ id: B, at: T0 + 2 * 3_600_000, packs: 2, minSocPct: 60 });
  r.run(20);
  return r;
}

describe('check-out at the station', () => {
  it('names pack and dock, asks on the screen when one leaves and confirms it with a long press', async () => {
    const r = rig();
    const s = await station(r);
    await s.tick();
    expect(s.reservedFor(B)).toEqual([1, 2]);
    expect(s.screen()).toEqual([`Fahrt ${B}:`, 'bitte nehmen', 'Dock 1: pack-1', 'Dock 2: pack-2']);

    // The pack leaves dock 1: its BMS reading is gone.
    const before = s.clock.now();
    r.dock(1).batteryId = null;
    await s.ticks(3);
    expect(s.screen()).toEqual([`Fahrt ${B}`, 'Dock 1: Akku raus', 'pack-1 92%', 'Lang: bestätigen']);
    // The planner now holds one pack for the ride, not a replacement for the one taken.
    expect(s.reservedFor(B)).toEqual([2]);
    expect(s.events).toEqual([]);

    // A short press neither confirms nor pages on; a long press confirms.
    await s.press(200);
    expect(s.screen()[1]).toBe('Dock 1: Akku raus');
    expect(s.events).toEqual([]);
    await s.press(2000);
    expect(s.events).toHaveLength(1);
    const e = s.events[0];
    expect(e).toMatchObject({ type: 'booking-pack-out', dock: 1, severity: 'info' });
    const data = packOutDataSchema.parse(e?.data);
    expect(data).toMatchObject({ bookingId: B, dock: 1, packId: 'pack-1', socPct: 92, confirmedBy: 'button' });
    // The time of the tick that saw the dock empty: after the pull, before the press.
    expect(data.takenAt).toBeGreaterThan(before);
    expect(data.takenAt).toBeLessThanOrEqual(before + 300);
    expect(s.screen()).toEqual(['Ausgabe bestätigt', `Fahrt ${B}`, 'pack-1 92%', '']);
    await s.ticks(50);
    expect(s.screen()).toEqual([`Fahrt ${B}:`, 'bitte nehmen', 'Dock 2: pack-2', '']);
  });

  it('a pack put back ends the prompt without a check-out; one left out is confirmed by the readings', async () => {
    const r = rig();
    const s = await station(r);
    await s.tick();
    r.dock(2).batteryId = null;
    await s.ticks(3);
    expect(s.screen()[1]).toBe('Dock 2: Akku raus');
    expect(s.reservedFor(B)).toEqual([1]);
    r.dock(2).batteryId = 'pack-2';
    await s.ticks(3);
    expect(s.screen()).toEqual(['Akku wieder drin', 'Dock 2', '', '']);
    expect(s.reservedFor(B)).toEqual([1, 2]);

    // Out again, and nobody presses: after the prompt's time the readings alone confirm it.
    r.dock(2).batteryId = null;
    await s.ticks(3);
    await s.ticks(CONFIRM_MS / 100 - 5);
    expect(s.events).toEqual([]);
    await s.ticks(5);
    expect(s.events).toHaveLength(1);
    expect(packOutDataSchema.parse(s.events[0]?.data)).toMatchObject({
      bookingId: B,
      dock: 2,
      packId: 'pack-2',
      socPct: 88,
      confirmedBy: 'reading',
    });
    expect(s.screen()[0]).toBe(`Fahrt ${B}:`);
  });

  it('shows a pack taken from a dock not reserved, or reserved for another ride, and reports it', async () => {
    const r = rig();
    const s = await station(r);
    await s.tick();
    // Dock 3 not reserved while the ride's packs wait.
    r.dock(3).batteryId = null;
    await s.ticks(3);
    expect(s.screen()).toEqual(['Dock 3: ACHTUNG', 'nicht reserviert!', 'Fahrt: Dock 1, 2', 'Bitte zurückstecken']);
    expect(s.events).toHaveLength(1);
    expect(s.events[0]).toMatchObject({ type: 'pack-taken-unbooked', dock: 3, severity: 'warning' });
    expect(packTakenUnbookedDataSchema.parse(s.events[0]?.data)).toEqual({
      dock: 3,
      packId: 'pack-3',
      socPct: 35,
      reservedFor: null,
      serving: null,
    });
    // Back in: the warning goes, nothing is checked out.
    r.dock(3).batteryId = 'pack-3';
    await s.ticks(3);
    expect(s.screen()[0]).toBe(`Fahrt ${B}:`);

    // A second ride takes the low pack; the trainee serves the first and takes its pack from dock 1 ...
    r.controller.addBooking({ id: C, at: T0 + 3 * 3_600_000, packs: 1, minSocPct: 20 });
    await s.ticks(3);
    expect(s.reservedFor(C)).toEqual([3]);
    r.dock(1).batteryId = null;
    await s.ticks(3);
    await s.press(2000);
    expect(s.events.at(-1)).toMatchObject({ type: 'booking-pack-out', data: { bookingId: B, dock: 1 } });
    // ... then the pack of the other ride, by mistake.
    r.dock(3).batteryId = null;
    await s.ticks(3);
    expect(s.screen()).toEqual(['Dock 3: ACHTUNG', 'reserviert für', `Fahrt ${C}`, 'Bitte zurückstecken']);
    expect(s.events.at(-1)).toMatchObject({
      type: 'pack-taken-unbooked',
      data: { dock: 3, packId: 'pack-3', reservedFor: C, serving: B },
    });
    // Not a check-out of either ride; any press clears the warning.
    expect(s.events.filter((x) => x.type === 'booking-pack-out')).toHaveLength(1);
    await s.press(200);
    expect(s.screen()[0]).not.toBe('Dock 3: ACHTUNG');
    expect(view(r.log.at(-1) ?? r.step(), 3).batteryId).toBeNull();
  });
});
