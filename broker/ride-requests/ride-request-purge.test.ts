// The deletion job on a manual clock and a real store file: before the retention period a request is kept whole;
// after it, name and place are gone (from the table and from the file's bytes) and only the day's counts remain.

import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { RideRequestPurge } from './ride-request-purge.ts';
import { RideRequestStore } from './ride-request-store.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 2, 9, 0);
let dir = '';
let store: RideRequestStore | null = null;

afterEach(() => {
  store?.close();
  store = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every byte the store keeps on disk, as text: the database file and its write-ahead log. */
function onDisk(): string {
  return ['ride-requests.sqlite', 'ride-requests.sqlite-wal']
    .map((f) => join(dir, f))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('');
}

describe('ride request retention', () => {
  it('deletes name and place the retention period after the ride, keeping only counts', () => {
    dir = mkdtempSync(join(tmpdir(), 'rikscha-rides-'));
    const clock = new ManualClock(T0);
    store = new RideRequestStore(dir, 7);
    const purge = new RideRequestPurge(store, clock, pino({ level: 'silent' }), 3_600_000);
    store.add(
      { name: 'Zaphira', pickup: 'Lindenstraße 12', pickupAt: T0 + DAY, needs: ['wheelchair-ramp'] },
      'mech',
      T0,
    );
    store.add(
      { name: 'Quentolin', pickup: 'Marktplatz', pickupAt: T0 + 2 * DAY, needs: ['wheelchair-ramp', 'companion'] },
      'mech',
      T0,
    );
    purge.start();
    expect(onDisk()).toContain('Zaphira');

    // Seven days after the first ride, less an hour: both still there.
    clock.advance(8 * DAY - 3_600_000);
    expect(store.list().map((r) => r.name)).toEqual(['Zaphira', 'Quentolin']);
    expect(store.tally()).toEqual([]);

    // The next run after the period: the first is gone, counted under its day.
    clock.advance(3_600_000);
    expect(store.list().map((r) => r.name)).toEqual(['Quentolin']);
    expect(store.tally()).toEqual([{ day: '2026-12-03', rides: 1, needs: { 'wheelchair-ramp': 1 } }]);

    clock.advance(DAY);
    expect(store.list()).toEqual([]);
    expect(store.tally()).toEqual([
      { day: '2026-12-04', rides: 1, needs: { companion: 1, 'wheelchair-ramp': 1 } },
      { day: '2026-12-03', rides: 1, needs: { 'wheelchair-ramp': 1 } },
    ]);
    // Not in the file's free pages nor in its log: secure_delete and a truncated WAL.
    const bytes = onDisk();
    for (const gone of ['Zaphira', 'Quentolin', 'Lindenstra', 'Marktplatz']) expect(bytes).not.toContain(gone);
    purge.stop();
  });

  it('a cancelled request is deleted at once and not counted as a ride', () => {
    dir = mkdtempSync(join(tmpdir(), 'rikscha-rides-'));
    store = new RideRequestStore(dir, 7);
    const r = store.add({ name: 'Ilvy', pickup: 'Bahnhof', pickupAt: T0, needs: [] }, 'mech', T0);
    expect(store.remove(r.id)).toBe(true);
    expect(store.remove(r.id)).toBe(false);
    expect(store.purge(T0 + 30 * DAY)).toBe(0);
    expect(store.tally()).toEqual([]);
  });
});
