// The feed's config: defaults, the range model's rules named by field, and the broker's example file.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokerConfigSchema } from '../broker-config.ts';
import { ConfigError, parseConfig } from '../../lib/config-error.ts';
import { maxRangeMetres, packMetres, parseGbfsConfig } from './gbfs-config.ts';

const minimal = {
  system: { feedContactEmail: 'feed@rikscha.example' },
  stations: { 'st-1': { name: 'Eins', lat: 52.5, lon: 13.4, bays: 2 } },
};

function problems(input: unknown): string[] {
  try {
    parseGbfsConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('gbfs config', () => {
  it('fills defaults: one cargo-bicycle type, 10 s status interval, an hour for the static files', () => {
    const cfg = parseGbfsConfig(minimal);
    expect(cfg.vehicleTypes).toHaveLength(1);
    expect(cfg.vehicleTypes[0]).toMatchObject({ formFactor: 'cargo_bicycle', packsPerVehicle: 1 });
    expect(cfg.statusIntervalS).toBe(10);
    expect(cfg.staticTtlS).toBe(3600);
    expect(cfg.system).toMatchObject({ id: 'rikscha', timezone: 'Europe/Berlin', languages: ['de', 'en'] });
  });

  it('names each problem of the range model by its field', () => {
    const withRange = (range: unknown) => ({ ...minimal, vehicleTypes: [{ id: 't', name: 'T', range }] });
    expect(problems(withRange({}))).toEqual([
      'vehicleTypes[0].range.metresPerPercent: give metresPerPercent or metresPerWh',
    ]);
    expect(problems(withRange({ metresPerWh: 40 }))).toEqual([
      'vehicleTypes[0].range.packWh: required with metresPerWh',
    ]);
    expect(problems(withRange({ metresPerPercent: 300, metresPerWh: 40, packWh: 500 }))).toEqual([
      'vehicleTypes[0].range.metresPerWh: not with metresPerPercent: give one of them',
    ]);
    expect(problems(withRange({ metresPerPercent: 300, packWh: 500 }))).toEqual([
      'vehicleTypes[0].range.packWh: only with metresPerWh',
    ]);
    expect(problems(withRange({ metresPerPercent: -1 }))[0]).toMatch(/^vehicleTypes\[0\]\.range\.metresPerPercent: /);
    expect(problems(withRange({ metersPerPercent: 300 }))[0]).toMatch(/^vehicleTypes\[0\]\.range: .*metersPerPercent/);
  });

  it('names the other fields, every problem at once: email, time zone, station place, unknown type', () => {
    const p = problems({
      system: { feedContactEmail: 'nobody', timezone: 'Mars/Olympus' },
      stations: { 'st-1': { name: 'Eins', lat: 91, lon: 13.4, bays: 2 } },
      vehicleTypeOf: { aaaa00000000000000000001: 'nope' },
    });
    expect(p.map((x) => x.split(':')[0]).sort()).toEqual(
      [
        'stations.st-1.lat',
        'system.feedContactEmail',
        'system.timezone',
        'vehicleTypeOf.aaaa00000000000000000001',
      ].sort(),
    );
    expect(problems({ ...minimal, vehicleTypeOf: { aaaa00000000000000000001: 'nope' } })).toEqual([
      'vehicleTypeOf.aaaa00000000000000000001: no vehicle type nope',
    ]);
  });

  it('turns SoC into metres by either model', () => {
    expect(packMetres({ metresPerPercent: 300 }, 50)).toBe(15_000);
    expect(packMetres({ metresPerWh: 40, packWh: 500 }, 50)).toBe(10_000);
    expect(packMetres({ metresPerPercent: 300 }, 120)).toBe(30_000);
    expect(
      maxRangeMetres({
        ...parseGbfsConfig(minimal).vehicleTypes[0]!,
        packsPerVehicle: 2,
        range: { metresPerPercent: 300 },
      }),
    ).toBe(60_000);
  });

  it("the broker's example config is valid, its gbfs part included", () => {
    const file = join(import.meta.dirname, '../example-broker.json');
    const cfg = parseConfig(brokerConfigSchema, JSON.parse(readFileSync(file, 'utf8')), file);
    expect(cfg.gbfs?.stations['station-1']?.bays).toBe(2);
  });
});
