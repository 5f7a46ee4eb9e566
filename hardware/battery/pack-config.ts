// Configuration of one simulated battery pack (zod schema, TS type inferred from it), with unit, default and range
// in each field's description, and a parser that reports every problem with its path.
import { z } from 'zod';
import { BatteryModelError } from './battery-errors.ts';

const cellSpreadSchema = z
  .strictObject({
    capacityPct: z
      .number()
      .min(0)
      .max(10)
      .default(1)
      .describe(
        "Standard deviation of each series element's capacity around the rated value, %. Default 1, range 0..10.",
      ),
    socPct: z
      .number()
      .min(0)
      .max(5)
      .default(0.3)
      .describe(
        "Standard deviation of each element's starting state of charge, percentage points. Default 0.3 (a few mV), range 0..5.",
      ),
    resistancePct: z
      .number()
      .min(0)
      .max(30)
      .default(5)
      .describe(
        "Standard deviation of each element's resistance around the configured value, %. Default 5, range 0..30.",
      ),
    selfDischargePct: z
      .number()
      .min(0)
      .max(100)
      .default(30)
      .describe(
        "Standard deviation of each element's self-discharge rate around the pack rate, %. Default 30, range 0..100.",
      ),
  })
  .describe('Cell-to-cell manufacturing spread, drawn once from `seed`; all values are cut at 3 standard deviations.');

const weakCellSchema = z
  .strictObject({
    index: z.number().int().min(0).max(13).describe('Which series element (0-based) is weak. Range 0..series-1.'),
    capacityPct: z
      .number()
      .min(30)
      .max(100)
      .default(90)
      .describe(
        'Its capacity as % of its drawn value: it fills and empties first, so it drifts high on charge. Default 90, range 30..100.',
      ),
    selfDischargePctPerMonth: z
      .number()
      .min(0)
      .max(100)
      .default(8)
      .describe('Its self-discharge, % of capacity per month: it drifts low at rest. Default 8, range 0..100.'),
  })
  .describe('One weak element (optional): less capacity and more self-discharge than the rest.');

export const batteryPackConfigSchema = z
  .strictObject({
    series: z
      .union([z.literal(13), z.literal(14)])
      .default(13)
      .describe('Cells in series: 13 (48 V nominal, 54.6 V full) or 14 (51.8 V nominal, 58.8 V full). Default 13.'),
    capacityAh: z
      .number()
      .min(0.5)
      .max(200)
      .default(14)
      .describe(
        'Rated capacity of the pack (one parallel group), Ah; e.g. 13S4P of 3.5 Ah cells = 14 Ah. Default 14, range 0.5..200.',
      ),
    socPct: z.number().min(0).max(100).default(50).describe('Starting state of charge, %. Default 50, range 0..100.'),
    ageCycles: z
      .number()
      .min(0)
      .max(5000)
      .default(0)
      .describe(
        'Equivalent full cycles already behind the pack; sets capacity fade and resistance growth. Default 0, range 0..5000.',
      ),
    ageDays: z
      .number()
      .min(0)
      .max(7300)
      .default(0)
      .describe('Calendar age at start, days; adds calendar fade. Default 0, range 0..7300.'),
    resistanceMilliOhm: z
      .number()
      .min(0.5)
      .max(200)
      .default(10)
      .describe(
        'DC resistance of one series element (the parallel group of cells) when new, at 25 °C, mΩ. Default 10, range 0.5..200.',
      ),
    ambientC: z
      .number()
      .min(-30)
      .max(60)
      .default(20)
      .describe('Air temperature around the pack, °C. Default 20, range -30..60.'),
    tempC: z
      .number()
      .min(-30)
      .max(90)
      .optional()
      .describe('Starting pack temperature, °C. Default: the ambient temperature. Range -30..90.'),
    thermalMassJPerK: z
      .number()
      .min(100)
      .max(100_000)
      .default(3500)
      .describe('Heat capacity of the pack, J/K (≈ 3.5 kg of cells and case). Default 3500, range 100..100000.'),
    thermalResistanceKPerW: z
      .number()
      .min(0.01)
      .max(20)
      .default(0.8)
      .describe(
        'Thermal resistance from pack to air, K/W (an enclosed pack under a seat). Default 0.8, range 0.01..20.',
      ),
    selfDischargePctPerMonth: z
      .number()
      .min(0)
      .max(100)
      .default(2)
      .describe('Self-discharge of a healthy element, % of capacity per month. Default 2, range 0..100.'),
    balanceCurrentA: z
      .number()
      .min(0)
      .max(2)
      .default(0.05)
      .describe('Bleed current of the passive balancer on one element while it balances, A. Default 0.05, range 0..2.'),
    cellSpread: cellSpreadSchema.prefault({}),
    weakCell: weakCellSchema.optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(0xffffffff)
      .default(1)
      .describe('Seed of the spread; the same seed builds the same pack. Default 1, range 0..2^32-1.'),
  })
  .refine((c) => c.weakCell === undefined || c.weakCell.index < c.series, {
    message: 'must be below the series count',
    path: ['weakCell', 'index'],
  });

/** A fully defaulted pack configuration. */
export type BatteryPackConfig = z.output<typeof batteryPackConfigSchema>;
/** What a caller may write: every field is optional. */
export type BatteryPackConfigInput = z.input<typeof batteryPackConfigSchema>;

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Parses a pack configuration; throws BATTERY_INVALID_CONFIG listing every problem as `path: message`. */
export function parseBatteryPackConfig(input: unknown): BatteryPackConfig {
  const result = batteryPackConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new BatteryModelError('BATTERY_INVALID_CONFIG', `invalid battery pack config:\n  ${problems.join('\n  ')}`, {
    cause: result.error,
  });
}
