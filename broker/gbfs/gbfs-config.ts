// The public GBFS feed's settings (the broker config's `gbfs`): who runs the system, where each station is, the
// vehicle types with the range model that turns the packs' state of charge into metres, and how often what changes.

import { z } from 'zod';
import { ConfigError, formatIssues } from '../../lib/config-error.ts';
import { stationIdSchema } from '../../contract/messages.ts';

const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** A text in one or more languages, `{ "de": "...", "en": "..." }`; a plain string stands for every feed language. */
const localizedSchema = z.union([
  z.string().min(1).max(200),
  z.record(z.string().regex(LANGUAGE, 'language: an IETF BCP 47 code such as de or en-GB'), z.string().min(1).max(200)),
]);
export type Localized = z.infer<typeof localizedSchema>;

const httpUrl = z.string().regex(/^https?:\/\/[^/\s]+/, 'expected an absolute http(s) URL');

export const systemSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('rikscha')
    .describe('system_id: globally unique among GBFS systems'),
  name: localizedSchema.default('Rikscha').describe('public name of the system'),
  operator: localizedSchema.optional().describe('who runs it'),
  url: httpUrl.optional().describe("the system's web page"),
  languages: z
    .array(z.string().regex(LANGUAGE, 'an IETF BCP 47 code such as de or en-GB'))
    .min(1)
    .max(8)
    .default(['de', 'en'])
    .describe('languages of the feed texts'),
  timezone: z
    .string()
    .min(3)
    .max(64)
    .default('Europe/Berlin')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'expected an IANA time zone such as Europe/Berlin')
    .describe('IANA time zone of the stations'),
  openingHours: z
    .string()
    .min(1)
    .max(200)
    .default('Mo-Fr 08:00-18:00')
    .describe('when rides can start, in OSM opening_hours syntax'),
  feedContactEmail: z.email().describe('whom consumers of the feed tell about problems with it'),
  licenseId: z.string().min(1).max(64).default('CC0-1.0').describe('SPDX id of the feed data licence'),
});

export const stationPlaceSchema = z.object({
  name: localizedSchema.describe('public name of the station'),
  lat: z.number().min(-90).max(90).describe('latitude, WGS84 degrees'),
  lon: z.number().min(-180).max(180).describe('longitude, WGS84 degrees'),
  address: z.string().min(1).max(200).optional().describe('street address'),
  bays: z
    .number()
    .int()
    .min(0)
    .max(64)
    .describe('parking bays for rickshaws (the docks of GBFS): docks available = bays - rickshaws in them'),
});

/**
 * How far a pack's charge takes a rickshaw: either metres per % of state of charge, or metres per Wh with the pack's
 * usable energy when full. One object with both optional rather than a union: a union would report a typo as
 * "invalid input" instead of naming the field.
 */
export const rangeModelSchema = z
  .object({
    metresPerPercent: z.number().positive().max(100_000).optional().describe('metres per % SoC of one pack'),
    metresPerWh: z.number().positive().max(1000).optional().describe('metres per Wh of stored energy'),
    packWh: z
      .number()
      .positive()
      .max(100_000)
      .optional()
      .describe('usable energy of a full pack, Wh (with metresPerWh)'),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.metresPerPercent === undefined && m.metresPerWh === undefined)
      ctx.addIssue({ code: 'custom', path: ['metresPerPercent'], message: 'give metresPerPercent or metresPerWh' });
    if (m.metresPerPercent !== undefined && m.metresPerWh !== undefined)
      ctx.addIssue({ code: 'custom', path: ['metresPerWh'], message: 'not with metresPerPercent: give one of them' });
    if (m.metresPerWh !== undefined && m.packWh === undefined)
      ctx.addIssue({ code: 'custom', path: ['packWh'], message: 'required with metresPerWh' });
    if (m.metresPerWh === undefined && m.packWh !== undefined)
      ctx.addIssue({ code: 'custom', path: ['packWh'], message: 'only with metresPerWh' });
  });
export type RangeModel = z.infer<typeof rangeModelSchema>;

export const vehicleTypeSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/)
    .describe('vehicle_type_id'),
  name: localizedSchema.describe('public name of the type'),
  formFactor: z.enum(['cargo_bicycle', 'other']).default('cargo_bicycle').describe('GBFS form_factor'),
  riderCapacity: z.number().int().min(1).max(8).default(3).describe('riders including the driver'),
  packsPerVehicle: z.number().int().min(1).max(8).default(1).describe('packs a rickshaw of this type carries'),
  range: rangeModelSchema.describe('how far the packs take it'),
});
export type VehicleTypeConfig = z.infer<typeof vehicleTypeSchema>;

export const DEFAULT_VEHICLE_TYPE: VehicleTypeConfig = {
  id: 'e-rikscha',
  name: { de: 'E-Rikscha', en: 'Electric rickshaw' },
  formFactor: 'cargo_bicycle',
  riderCapacity: 3,
  packsPerVehicle: 1,
  // A 13S 14 Ah pack (~670 Wh) takes a loaded rickshaw about 30 km.
  range: { metresPerPercent: 300 },
};

export const gbfsConfigSchema = z
  .object({
    system: systemSchema,
    baseUrl: httpUrl
      .optional()
      .describe("the feed's public address (e.g. https://rikscha.example/gbfs); default: the request's Host"),
    stations: z
      .record(stationIdSchema, stationPlaceSchema)
      .describe('where each station is; a station not listed here is not in the feed'),
    vehicleTypes: z
      .array(vehicleTypeSchema)
      .min(1)
      .max(16)
      .default([DEFAULT_VEHICLE_TYPE])
      .describe('the first is every rickshaw type unless vehicleTypeOf says otherwise'),
    vehicleTypeOf: z
      .record(z.string().regex(/^[0-9a-f]{24}$/, 'a rickshaw hardware id'), z.string())
      .default({})
      .describe("a rickshaw's type by its hardware id"),
    statusIntervalS: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(10)
      .describe('station_status and vehicle_status are rebuilt at most this often, s: their ttl'),
    staticTtlS: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(3600)
      .describe('ttl of the files that change only with this config (system, station and vehicle type data), s'),
  })
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.vehicleTypes.forEach((t, i) => {
      if (ids.has(t.id))
        ctx.addIssue({ code: 'custom', path: ['vehicleTypes', i, 'id'], message: `type ${t.id} appears twice` });
      ids.add(t.id);
    });
    for (const [hw, type] of Object.entries(cfg.vehicleTypeOf))
      if (!ids.has(type))
        ctx.addIssue({ code: 'custom', path: ['vehicleTypeOf', hw], message: `no vehicle type ${type}` });
  });
export type GbfsConfig = z.infer<typeof gbfsConfigSchema>;
export type GbfsConfigInput = z.input<typeof gbfsConfigSchema>;

/** Parses the `gbfs` part of a broker config given in code (the demo, tests); problems named by field path. */
export function parseGbfsConfig(input: unknown, where = 'gbfs'): GbfsConfig {
  const r = gbfsConfigSchema.safeParse(input);
  if (!r.success) throw new ConfigError(where, formatIssues(r.error.issues));
  return r.data;
}

/** The localized text for every feed language (a plain string serves all of them). */
export function localize(text: Localized, languages: readonly string[]): Array<{ text: string; language: string }> {
  if (typeof text === 'string') return languages.map((language) => ({ text, language }));
  return Object.entries(text).map(([language, t]) => ({ text: t, language }));
}

/** Metres a full vehicle of this type rides: every pack at 100 %. */
export function maxRangeMetres(t: VehicleTypeConfig): number {
  return t.packsPerVehicle * packMetres(t.range, 100);
}

/** Metres one pack at `socPct` rides under the model. */
export function packMetres(m: RangeModel, socPct: number): number {
  const soc = Math.min(100, Math.max(0, socPct));
  if (m.metresPerPercent !== undefined) return soc * m.metresPerPercent;
  return (soc / 100) * (m.packWh ?? 0) * (m.metresPerWh ?? 0);
}
