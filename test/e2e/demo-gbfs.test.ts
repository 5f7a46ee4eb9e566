// Issue-17 check on the running `rikscha demo`: its public GBFS feed validates against the official v3.0 schemas,
// and its rickshaw's range follows the simulated packs: the fuel is the best pack on offer (as the station reports
// it and as the battery model knows it), and when that pack is swapped for a half-empty one the range drops, and
// comes back when it returns.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packsOnOffer } from '../../broker/gbfs/status-snapshot.ts';
import type { StationList } from '../../contract/http-api.ts';
import type { SimTruth } from '../../contract/sim-api.ts';
import { startDemo, type DemoProcess } from '../support/demo-process.ts';
import { waitFor } from '../support/wait-for.ts';
import { schemaProblems, SCHEMA_FILES } from '../gbfs/gbfs-schemas.ts';

interface Vehicle {
  vehicle_id: string;
  current_range_meters: number;
  current_fuel_percent: number;
  is_disabled: boolean;
}

let demo: DemoProcess;
const base = () => `http://127.0.0.1:${demo.httpPort}`;
const json = async <T>(path: string): Promise<T> => (await (await fetch(`${base()}${path}`)).json()) as T;
const vehicles = async () => (await json<{ data: { vehicles: Vehicle[] } }>('/gbfs/vehicle_status.json')).data.vehicles;
const docks = async () =>
  (await json<StationList>('/api/stations')).items.find((s) => s.stationId === 'demo-1')?.docks ?? [];

/** The best pack on offer now (station telemetry), and the vehicle as the feed shows it, once they agree. */
async function agreeing(what: string, extra: (fuel: number, best: number) => boolean = () => true) {
  return waitFor(
    async () => {
      const best = (packsOnOffer(await docks())[0] ?? 0) / 100;
      const v = (await vehicles())[0];
      return v && Math.abs(v.current_fuel_percent - best) <= 0.03 && extra(v.current_fuel_percent, best)
        ? { v, best }
        : null;
    },
    { what, timeoutMs: 30_000, intervalMs: 250 },
  );
}

beforeAll(async () => {
  demo = await startDemo(['--speed', '10']);
  await waitFor(async () => (await vehicles()).length === 1, {
    what: 'the demo rickshaw in vehicle_status',
    timeoutMs: 30_000,
    intervalMs: 250,
  });
}, 60_000);

afterAll(async () => {
  if (demo) await demo.stop();
});

describe('the demo publishes a GBFS v3.0 feed', () => {
  it('every file validates against its schema', async () => {
    const discovery = await json<{ data: { feeds: Array<{ name: string; url: string }> } }>('/gbfs/gbfs.json');
    expect(discovery.data.feeds.map((f) => f.name).sort()).toEqual([...SCHEMA_FILES].sort());
    for (const feed of discovery.data.feeds) {
      const res = await fetch(feed.url);
      expect(res.status, feed.url).toBe(200);
      expect(schemaProblems(feed.name as (typeof SCHEMA_FILES)[number], await res.json()), feed.name).toEqual([]);
    }
  });

  it("the rickshaw's range follows the packs' state of charge", async () => {
    const { v, best } = await agreeing('the feed to show the best pack on offer');
    const metresPerPercent = 300; // the default range model: one pack, 300 m per % SoC
    expect(v.current_range_meters).toBeCloseTo(v.current_fuel_percent * 100 * metresPerPercent, -2);
    // The battery model's own truth for that pack agrees within what a BMS rounds and lags.
    const truth = await json<SimTruth>('/api/sim/truth');
    const bestDock = (await docks()).find((d) => d.battery && Math.abs(d.battery.socPct / 100 - best) < 0.03);
    const t = truth.batteries.find((b) => b.dock === bestDock?.dock);
    expect(Math.abs((t?.socPct ?? 0) / 100 - v.current_fuel_percent)).toBeLessThanOrEqual(0.05);

    // That pack swapped for a half-empty one: the rickshaw's range drops to the next best pack.
    const swap = await fetch(`${base()}/api/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dock: bestDock?.dock, fault: 'swap-battery' }),
    });
    expect(swap.status).toBe(201);
    const lower = await agreeing('the range to drop after the swap', (fuel) => fuel < v.current_fuel_percent - 0.1);
    expect(lower.v.current_range_meters).toBeLessThan(v.current_range_meters);
    // The pack back: the range rises again.
    expect((await fetch(`${base()}/api/sim/faults?dock=${bestDock?.dock}`, { method: 'DELETE' })).status).toBe(200);
    const back = await agreeing(
      'the range back after the pack returns',
      (fuel) => fuel > lower.v.current_fuel_percent + 0.1,
    );
    expect(back.v.current_range_meters).toBeGreaterThan(lower.v.current_range_meters);
  }, 120_000);
});
