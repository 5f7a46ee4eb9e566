// Unknown config keys are found at any depth (objects, arrays, unions, defaults) and near misses get a suggestion.

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseConfig } from './config-error.ts';
import { closest, editDistance, findUnknownKeys } from './unknown-keys.ts';

const schema = z.object({
  pollIntervalMs: z.number().default(500),
  budget: z.object({ maxW: z.number().optional() }).prefault({}),
  docks: z.array(z.object({ dock: z.number(), charger: z.object({ type: z.string() }).optional() })),
  io: z.discriminatedUnion('type', [
    z.object({ type: z.literal('virtual') }),
    z.object({ type: z.literal('firmata'), port: z.string() }),
  ]),
  extra: z.looseObject({}).optional(),
});

describe('findUnknownKeys', () => {
  it('names each unknown key with its path and the known key it most likely means', () => {
    const found = findUnknownKeys(schema, {
      pollIntervallMs: 1,
      budget: { maxKW: 3 },
      docks: [{ dock: 1 }, { dock: 2, charger: { typ: 'riden' } }],
      io: { type: 'firmata', port: '/dev/x', baud: 1 },
      extra: { anything: true },
      zzzzzzzz: 1,
    });
    expect(found).toEqual([
      { path: [], key: 'pollIntervallMs', suggestion: 'pollIntervalMs' },
      { path: ['budget'], key: 'maxKW', suggestion: 'maxW' },
      { path: ['docks', 1, 'charger'], key: 'typ', suggestion: 'type' },
      { path: ['io'], key: 'baud' },
      { path: [], key: 'zzzzzzzz' },
    ]);
  });

  it('finds nothing in a config that uses only known keys', () => {
    expect(findUnknownKeys(schema, { budget: {}, docks: [{ dock: 1 }], io: { type: 'virtual' } })).toEqual([]);
  });

  it('measures edits with transpositions and suggests only close names', () => {
    expect(editDistance('maxKW', 'maxW')).toBe(1);
    expect(editDistance('tpye', 'type')).toBe(1);
    expect(closest('charing', ['charging', 'docks'])).toBe('charging');
    expect(closest('foo', ['charging', 'docks'])).toBeUndefined();
  });
});

describe('parseConfig', () => {
  it('reports schema problems and unknown keys together, in one pass', () => {
    let err: unknown;
    try {
      parseConfig(schema, { pollIntervallMs: 1, docks: [{ dock: 'x' }], io: { type: 'virtual' } }, 'f.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'docks[0].dock: Invalid input: expected number, received string',
      'pollIntervallMs: unknown key (did you mean "pollIntervalMs"?)',
    ]);
  });

  it('returns the parsed value with defaults when all is well', () => {
    expect(parseConfig(schema, { docks: [], io: { type: 'virtual' } }, 'f.json')).toEqual({
      pollIntervalMs: 500,
      budget: {},
      docks: [],
      io: { type: 'virtual' },
    });
  });
});
