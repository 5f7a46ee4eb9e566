// The feed's in-memory fleet and its status snapshot without a broker: messages as the ingester validates them,
// which packs are on offer, the order rickshaws get packs in, and ids that stay for a visit and change after it.

import { describe, expect, it } from 'vitest';
import type { DockTelemetry } from '../../contract/messages.ts';
import { validatePayload } from '../ingest/validate.ts';
import { FleetState } from './fleet-state.ts';
import { parseGbfsConfig } from './gbfs-config.ts';
import { deskStates, type RentalState } from './rental-view.ts';
import { buildStatusSnapshot, packsOnOffer } from './status-snapshot.ts';
import { VehicleIds } from './vehicle-ids.ts';

const T = 1_800_000_000_000;
const HW = ['aaaa00000000000000000001', 'bbbb00000000000000000002', 'cccc00000000000000000003'] as const;

const dock = (n: number, state: DockTelemetry['state'], socPct: number, extra = {}): DockTelemetry => ({
  dock: n,
  state,
  battery: { id: `P${n}`, socPct, voltageV: 50, currentA: 0, cellsV: [], tempsC: [], cycles: 1, protection: [] },
  charger: { online: true, outputOn: false, voltageV: 0, currentA: 0, setCurrentA: 0 },
  ...extra,
});

function observe(fleet: FleetState, kind: 'telemetry' | 'event' | 'status', body: object, receivedAt: number): void {
  const raw = Buffer.from(JSON.stringify({ stationId: 'st-1', seq: 1, ...body }));
  const v = validatePayload(`rikscha/v1/st-1/${kind}`, raw);
  expect(v.ok, JSON.stringify(v)).toBe(true);
  fleet.observe(v, raw, receivedAt);
}

const arrived = (hwId: string, bay: number, ts: number, fault = 0) => ({
  ts,
  type: 'rickshaw-arrived',
  severity: 'info',
  message: 'arrived',
  data: {
    bay,
    hwId,
    firmware: { major: 6, minor: 5, hwName: '60' },
    reading: {
      tachoKm: 1,
      controllerOdometerKm: null,
      tachometerAbs: 1,
      tempMotorC: 20,
      tempFetC: 20,
      inputV: 50,
      ampHours: 0,
      ampHoursCharged: 0,
      wattHours: 0,
      wattHoursCharged: 0,
      fault: { code: fault, name: fault ? 'OVER_TEMP_FET' : 'NONE' },
    },
  },
});

function setup(rental: Record<string, RentalState> = {}) {
  const config = parseGbfsConfig({
    system: { feedContactEmail: 'a@b.example' },
    stations: { 'st-1': { name: 'Eins', lat: 52.5, lon: 13.4, bays: 4 } },
    vehicleTypes: [{ id: 't', name: 'T', range: { metresPerPercent: 100 } }],
  });
  const fleet = new FleetState();
  let n = 0;
  const ids = new VehicleIds(() => `id-${++n}`);
  const deps = {
    config,
    fleet,
    ids,
    rental: { stateOf: (hw: string) => rental[hw] ?? 'available' },
    staleAfterMs: 60_000,
    startedAt: T,
  };
  return { fleet, deps };
}

describe('packs on offer', () => {
  it('are the packs a rickshaw may take, best first: not faulted, empty, in maintenance, held back or alarmed', () => {
    const docks = [
      dock(1, 'charging', 40),
      dock(2, 'fault', 99),
      dock(3, 'maintenance', 98),
      dock(4, 'full', 97, { doNotDispatch: true }),
      dock(5, 'idle', 96, { alarm: 'charge-fet-stuck' }),
      dock(6, 'full', 90),
      dock(7, 'balancing', 70),
    ];
    expect(packsOnOffer(docks)).toEqual([90, 70, 40]);
  });
});

describe('fleet state and snapshot', () => {
  it('keeps the newest telemetry only, and gives reserved rides the best packs, broken rickshaws none', () => {
    const { fleet, deps } = setup({ [HW[1]]: 'reserved' });
    observe(fleet, 'status', { ts: T, online: true }, T);
    observe(fleet, 'telemetry', { ts: T + 2000, docks: [dock(1, 'full', 90), dock(2, 'idle', 60)] }, T + 2000);
    // A backlog message, older than what is held: ignored.
    observe(fleet, 'telemetry', { ts: T + 1000, docks: [dock(1, 'full', 10)] }, T + 2100);
    observe(fleet, 'event', arrived(HW[0], 1, T + 3000), T + 3000);
    observe(fleet, 'event', arrived(HW[1], 2, T + 3000), T + 3000);
    observe(fleet, 'event', arrived(HW[2], 3, T + 3000, 7), T + 3000);
    const snap = buildStatusSnapshot(deps, T + 4000);
    const range = Object.fromEntries(
      snap.vehicles.map((v) => [
        v.is_reserved ? 'reserved' : v.is_disabled ? 'broken' : 'free',
        v.current_range_meters,
      ]),
    );
    expect(range).toEqual({ reserved: 9000, free: 6000, broken: 0 });
    expect(snap.stations[0]).toMatchObject({
      num_vehicles_available: 1,
      num_vehicles_disabled: 1,
      num_docks_available: 1,
      is_renting: true,
    });
    // Silent past staleAfterMs: not renting.
    expect(buildStatusSnapshot(deps, T + 70_000).stations[0]?.is_renting).toBe(false);
  });

  it('keeps an id for a visit, draws a new one after a ride or a check-out', () => {
    const rental: Record<string, RentalState> = {};
    const { fleet, deps } = setup(rental);
    observe(fleet, 'event', arrived(HW[0], 1, T), T);
    const id = () => buildStatusSnapshot(deps, T + 5000).vehicles[0]?.vehicle_id;
    const first = id();
    expect(id()).toBe(first);
    // The station re-reads the same rickshaw in the same bay (a reading): same visit, same id.
    observe(fleet, 'event', { ...arrived(HW[0], 1, T + 1000), type: 'rickshaw-reading' }, T + 1000);
    expect(id()).toBe(first);
    observe(
      fleet,
      'event',
      {
        ...arrived(HW[0], 1, T + 2000),
        type: 'rickshaw-left',
        data: { bay: 1, hwId: HW[0], reason: 'no-answer', reading: null },
      },
      T + 2000,
    );
    expect(id()).toBeUndefined();
    observe(fleet, 'event', arrived(HW[0], 1, T + 3000), T + 3000);
    const second = id();
    expect(second).not.toBe(first);
    rental[HW[0]] = 'out';
    expect(id()).toBeUndefined();
    delete rental[HW[0]];
    expect(id()).not.toBe(second);
    // Late news of the old visit (a backlog) moves nothing.
    const before = id();
    observe(fleet, 'event', arrived(HW[0], 2, T + 500), T + 4000);
    expect(id()).toBe(before);
    expect(buildStatusSnapshot(deps, T + 5000).vehicles[0]?.station_id).toBe('st-1');
  });
});

describe("the rental desk's view as the feed reads it", () => {
  it('out wins over a breakdown, a breakdown over a booking; no desk yet: available', () => {
    const desk = {
      isCheckedOut: (id: string) => id === 'out',
      isDisabled: (id: string, now: number) => (id === 'broken' || id === 'out') && now >= T,
      isReserved: (id: string) => id === 'booked' || id === 'broken',
      isPackOut: () => false,
      version: 1,
    };
    const states = deskStates(() => desk);
    expect(['out', 'broken', 'booked', 'free'].map((id) => states.stateOf(id, T))).toEqual([
      'out',
      'disabled',
      'reserved',
      'available',
    ]);
    expect(states.stateOf('broken', T - 1)).toBe('reserved');
    expect(deskStates(() => undefined).stateOf('out', T)).toBe('available');
  });
});
