// Scenario files for the simulator (JSON, validated with zod): a station's docks with their batteries, chargers and
// rickshaws, the weather, and a timeline of events. Every problem is reported at once with the path of its field.

import { z } from 'zod';
import { VESC_FAULT_NAMES } from '../../firmware-bridge/vesc/vesc-faults.ts';
import { parseConfig } from '../../lib/config-error.ts';
import { readJsonConfig } from '../../lib/config-file.ts';
import { deviceKindSchema, faultNameSchema } from '../faults/fault-injector.ts';

const seconds = z
  .number()
  .min(0)
  .max(30 * 86_400);

export const batterySpecSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(40)
    .describe('Identity its BMS reports (JBD reg 0x05), e.g. RIK-13S-0042; unique in the station.'),
  series: z
    .union([z.literal(13), z.literal(14)])
    .default(13)
    .describe('Cells in series: 13 (54.6 V full) or 14 (58.8 V full). Default 13.'),
  capacityAh: z.number().min(0.5).max(200).default(14).describe('Rated capacity, Ah. Default 14, range 0.5..200.'),
  ageCycles: z
    .number()
    .min(0)
    .max(5000)
    .default(0)
    .describe('Equivalent full cycles behind it (capacity fade, resistance growth). Default 0.'),
  socPct: z.number().min(0).max(100).default(50).describe('State of charge at start, %. Default 50.'),
  tempC: z
    .number()
    .min(-30)
    .max(90)
    .optional()
    .describe('Pack temperature at start, °C. Default: the ambient temperature.'),
  weakCell: z
    .number()
    .int()
    .min(0)
    .max(13)
    .optional()
    .describe('Index (0-based) of a weak cell: less capacity, drifts high on charge.'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(0xffffffff)
    .optional()
    .describe('Seed of its cell spread. Default: derived from the scenario seed and the dock.'),
});
export type BatterySpec = z.output<typeof batterySpecSchema>;

const chargerSchema = z.strictObject({
  type: z
    .enum(['riden', 'standalone', 'none'])
    .default('riden')
    .describe('riden: an RD6018 on Modbus the station controls; standalone: a plain charger that is always on; none.'),
  unit: z.number().int().min(1).max(247).default(1).describe('Modbus unit address of the Riden. Default 1.'),
  bus: z
    .string()
    .regex(/^[a-z0-9-]{1,20}$/)
    .optional()
    .describe("Name of an RS-485 line shared with other docks' chargers (each with its own unit)."),
  voltageV: z.number().min(0).max(60).default(54.6).describe('standalone: its fixed output voltage, V. Default 54.6.'),
  currentA: z.number().min(0).max(18).default(4).describe('standalone: its fixed current, A. Default 4.'),
});

export const dockSpecSchema = z.strictObject({
  dock: z.number().int().min(1).max(512).describe('Dock number as printed on the station.'),
  battery: batterySpecSchema,
  charger: chargerSchema.prefault({}),
  rickshaw: z
    .strictObject({
      present: z.boolean().default(true).describe('A rickshaw with a VESC is docked here.'),
      id: z
        .string()
        .regex(/^[0-9a-f]{24}$/, '24 lowercase hex digits')
        .optional()
        .describe("Its controller's hardware id; default one made from the station id and dock."),
      km: z.number().min(0).max(1e6).default(0).describe('Kilometres on its tachometer at the start. Default 0.'),
    })
    .optional(),
});

const at = seconds.describe('Simulated seconds after start when the event happens.');

export const timelineEventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    at,
    type: z.literal('fault'),
    dock: z.number().int(),
    fault: faultNameSchema,
    device: deviceKindSchema.optional(),
  }),
  z.strictObject({
    at,
    type: z.literal('clear-fault'),
    dock: z.number().int().optional(),
    fault: faultNameSchema.optional(),
  }),
  z.strictObject({
    at,
    type: z.literal('ambient'),
    ambientC: z.number().min(-30).max(60).describe('New air temperature, °C.'),
  }),
  z.strictObject({
    at,
    type: z.literal('swap-battery'),
    dock: z.number().int(),
    battery: batterySpecSchema.describe('The pack that is put in.'),
  }),
  z.strictObject({
    at,
    type: z.literal('rickshaw-fault'),
    dock: z.number().int(),
    fault: z
      .enum(VESC_FAULT_NAMES)
      .describe("The fault code the rickshaw's motor controller reports from now on (NONE clears it)."),
  }),
  z.strictObject({
    at,
    type: z.literal('ride'),
    dock: z.number().int(),
    durationS: z.number().min(1).max(86_400).describe('How long the battery is out, simulated s.'),
    loadA: z.number().min(0).max(60).default(8).describe('Average discharge current on the ride, A. Default 8.'),
    speedKmh: z.number().min(0).max(45).default(15).describe('Average speed the VESC reports, km/h. Default 15.'),
  }),
]);
export type TimelineEvent = z.output<typeof timelineEventSchema>;

export const scenarioSchema = z
  .strictObject({
    stationId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'station id: lower-case letters, digits and dashes, up to 63'),
    description: z.string().max(500).optional(),
    ambientC: z.number().min(-30).max(60).default(20).describe('Air temperature at start, °C. Default 20.'),
    speed: z.number().gt(0).max(1000).default(1).describe('Simulated seconds per real second. Default 1, up to 1000.'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(0xffffffff)
      .default(1)
      .describe('Seed of everything random; the same seed replays the same day.'),
    stepMs: z.number().int().min(10).max(10_000).default(100).describe('Physics step period, real ms. Default 100.'),
    docks: z.array(dockSpecSchema).min(1).max(64),
    timeline: z.array(timelineEventSchema).default([]),
  })
  .superRefine((s, ctx) => {
    const docks = new Set<number>();
    const ids = new Set<string>();
    const units = new Map<string, number>();
    s.docks.forEach((d, i) => {
      if (docks.has(d.dock))
        ctx.addIssue({ code: 'custom', path: ['docks', i, 'dock'], message: `dock ${d.dock} appears twice` });
      docks.add(d.dock);
      if (ids.has(d.battery.id))
        ctx.addIssue({
          code: 'custom',
          path: ['docks', i, 'battery', 'id'],
          message: `battery id ${d.battery.id} appears twice`,
        });
      ids.add(d.battery.id);
      if (d.battery.weakCell !== undefined && d.battery.weakCell >= d.battery.series) {
        ctx.addIssue({
          code: 'custom',
          path: ['docks', i, 'battery', 'weakCell'],
          message: `must be below the series count ${d.battery.series}`,
        });
      }
      if (d.charger.bus !== undefined && d.charger.type === 'riden') {
        const key = `${d.charger.bus}/${d.charger.unit}`;
        if (units.has(key))
          ctx.addIssue({
            code: 'custom',
            path: ['docks', i, 'charger', 'unit'],
            message: `unit ${d.charger.unit} is already used on bus ${d.charger.bus} by dock ${units.get(key)}`,
          });
        units.set(key, d.dock);
      }
    });
    s.timeline.forEach((e, i) => {
      if ('dock' in e && e.dock !== undefined && !docks.has(e.dock)) {
        ctx.addIssue({
          code: 'custom',
          path: ['timeline', i, 'dock'],
          message: `no dock ${e.dock} in this scenario (docks: ${[...docks].join(', ')})`,
        });
      }
    });
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** Parses a scenario; throws ConfigError listing every problem as `timeline[2].fault: ...`. */
export function parseScenario(input: unknown, file = 'scenario'): Scenario {
  return parseConfig(scenarioSchema, input, file);
}

export function loadScenario(file: string): Scenario {
  return parseScenario(readJsonConfig(file), file);
}
