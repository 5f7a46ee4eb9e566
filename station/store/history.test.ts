// History: buffered samples written in one flush, minute aggregates, and pruning by retention.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DockTelemetry } from '../../contract/messages.ts';
import { History } from './history.ts';
import { openStationDb } from './station-db.ts';

const dock = (voltageV: number): DockTelemetry => ({
  dock: 1,
  state: 'charging',
  battery: {
    id: 'B1',
    socPct: 50,
    voltageV,
    currentA: 4,
    cellsV: [3.8, 3.9],
    tempsC: [25, 27],
    cycles: 3,
    protection: [],
  },
  charger: { online: true, outputOn: true, voltageV, currentA: 4, setCurrentA: 4 },
});

describe('History', () => {
  it('writes nothing until flushed, then aggregates per minute with min, max and mean', () => {
    const db = openStationDb(mkdtempSync(join(tmpdir(), 'rikscha-hist-')), 'h1');
    const h = new History(db);
    const t0 = 1_700_000_040_000 - (1_700_000_040_000 % 60_000);
    h.record(t0, [dock(50)]);
    h.record(t0 + 1000, [dock(52)]);
    h.record(t0 + 61_000, [dock(51)]);
    expect(h.rawCount()).toBe(0);
    expect(h.flush()).toBe(3);
    expect(h.rawCount()).toBe(3);
    expect(h.minutes(1)).toEqual([
      { minute: t0, n: 2, voltageAvg: 51, voltageMin: 50, voltageMax: 52 },
      { minute: t0 + 60_000, n: 1, voltageAvg: 51, voltageMin: 51, voltageMax: 51 },
    ]);
    db.close();
  });

  it('prunes raw samples after their window and keeps the aggregates longer', () => {
    const db = openStationDb(mkdtempSync(join(tmpdir(), 'rikscha-hist-')), 'h2');
    const h = new History(db, { rawMs: 3600_000, aggregateMs: 86_400_000 });
    const t0 = 1_700_000_000_000;
    h.record(t0, [dock(50)]);
    h.record(t0 + 2 * 3600_000, [dock(50)]);
    h.flush();
    expect(h.prune(t0 + 2 * 3600_000 + 1)).toEqual({ raw: 1, aggregates: 0 });
    expect(h.prune(t0 + 3 * 86_400_000)).toEqual({ raw: 1, aggregates: 2 });
    db.close();
  });
});
