// Model-file schema: the shipped RD6018 file is valid, and every problem in a bad file is reported with its path.

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rd6018 from './models/rd6018.json' with { type: 'json' };
import {
  formatPath,
  genericChargerConfigSchema,
  loadGenericChargerConfig,
  parseGenericChargerConfig,
} from './generic-charger-config.ts';

const RD6018_FILE = new URL('./models/rd6018.json', import.meta.url).pathname;
const clone = (): Record<string, unknown> => structuredClone(rd6018) as Record<string, unknown>;

describe('generic charger model files', () => {
  it('accepts the shipped RD6018 file and fills in defaults', async () => {
    const r = await loadGenericChargerConfig(RD6018_FILE);
    expect(r.ok ? [] : r.problems).toEqual([]);
    if (!r.ok) return;
    expect(r.config.model).toBe('RD6018');
    expect(r.config.measurements.voltageV).toEqual({
      register: 10,
      words: 1,
      signed: false,
      multiplier: 0.01,
      offset: 0,
    });
    expect(r.config.commsTimeout).toBeUndefined();
  });

  it('reports every problem at once, each with the path of its field', () => {
    const bad = clone();
    bad.limits = { maxVoltageV: 'sixty', maxCurrentA: 18 };
    bad.reads = [{ functionCode: 5, start: 8, count: 12 }];
    bad.output = { register: 70000, on: 1, off: 0 };
    bad.extra = true;
    const r = parseGenericChargerConfig(bad);
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems.some((p) => p.startsWith('limits.maxVoltageV: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('reads[0].functionCode: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('output.register: '))).toBe(true);
    expect(problems.some((p) => p.includes('extra'))).toBe(true);
  });

  it('checks that every register lies in a read block, and needed ones in an always-read block', () => {
    const bad = clone();
    bad.reads = [
      { start: 8, count: 10 },
      { start: 32, count: 6, when: 'output-on' },
    ];
    const r = parseGenericChargerConfig(bad);
    const problems = r.ok ? [] : r.problems;
    // output (18) no longer lies in an always block; ah (38/39) and wh (40/41) in no block at all.
    expect(problems).toContain("output.register: register 18 is in no 'always' read block (8..17)");
    expect(problems).toContain('measurements.ah.register: register 38 is in no read block (8..17, 32..37)');
    expect(problems.filter((p) => p.startsWith('measurements.wh.register')).length).toBe(2);
  });

  it('refuses identical on/off values and inverted identity ranges', () => {
    const bad = clone();
    bad.output = { register: 18, on: 1, off: 1 };
    bad.identity = { register: 0, accept: [{ min: 9, max: 1 }] };
    const r = parseGenericChargerConfig(bad);
    expect(r.ok ? [] : r.problems).toEqual([
      'output.off: on and off must differ',
      'identity.accept[0].max: max is below min',
    ]);
  });

  it('says what is wrong with a file that is missing or not JSON, without throwing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rikscha-charger-'));
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "model": ');
    const missing = await loadGenericChargerConfig(join(dir, 'nope.json'));
    expect(missing.ok ? '' : missing.problems[0]).toContain('cannot read (ENOENT)');
    const notJson = await loadGenericChargerConfig(broken);
    expect(notJson.ok ? '' : notJson.problems[0]).toContain('not JSON');
  });

  it('formats paths the way check-config prints them', () => {
    expect(formatPath(['docks', 2, 'charger', 'address'])).toBe('docks[2].charger.address');
  });

  it('carries units, defaults and ranges into a JSON Schema for editors', () => {
    const text = JSON.stringify(z.toJSONSchema(genericChargerConfigSchema, { io: 'input' }));
    expect(text).toContain('Engineering value = raw × multiplier + offset');
    expect(text).toContain('Highest current set-point accepted, A');
  });
});
