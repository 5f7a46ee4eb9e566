// Thresholds of the battery-health alerts (zod schema, the broker config's `healthAlerts` section): each alert has a
// trigger and a clear level, so a value hovering at the limit raises one alert, not one per reading.

import { z } from 'zod';

const pair = (trigger: number, clear: number, what: string, unit: string) =>
  z
    .object({
      trigger: z.number().default(trigger).describe(`${what}: the alert is raised past this, ${unit}`),
      clear: z.number().default(clear).describe(`${what}: and cleared only back past this, ${unit}`),
    })
    .prefault({});

export const alertConfigSchema = z.object({
  sohReplacePct: pair(80, 82, 'state of health below which to plan a replacement', '%'),
  sohRetirePct: pair(70, 72, 'state of health below which to retire the pack', '%'),
  resistanceRisePct: pair(50, 40, "resistance rise over the pack's first measurement", '%'),
  cellDriftMv: pair(40, 25, 'cell spread at the end of full charges', 'mV'),
  cellDriftCharges: z
    .number()
    .int()
    .min(1)
    .max(20)
    .default(3)
    .describe('full charges in a row above the drift trigger before the alert. Default 3'),
  hotSessions: pair(
    2,
    0,
    'charge sessions above the hot limit within hotWindowDays (more than trigger raises)',
    'sessions',
  ),
  hotWindowDays: z.number().min(1).max(60).default(7).describe('window of the over-temperature count, days. Default 7'),
  missingDays: z
    .number()
    .min(0.01)
    .max(365)
    .default(3)
    .describe('a pack not seen at any station this long is missing, days. Default 3'),
  stationSilentMin: z
    .number()
    .min(1)
    .max(10_080)
    .default(15)
    .describe('a station with no message this long raises "no data", minutes. Default 15'),
  checkEveryMs: z
    .number()
    .int()
    .min(1000)
    .max(3_600_000)
    .default(60_000)
    .describe('how often the alerts are checked, ms. Default 60000'),
});

export type AlertConfig = z.output<typeof alertConfigSchema>;
export type AlertConfigInput = z.input<typeof alertConfigSchema>;
