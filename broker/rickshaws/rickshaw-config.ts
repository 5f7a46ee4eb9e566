// The central side's rickshaw settings (the broker config's `rickshaws`): service intervals by distance and time,
// when a due service turns overdue, and the most a rickshaw can ride in a day (the odometer guard's limit).

import { z } from 'zod';
import { ConfigError, formatIssues } from '../../lib/config-error.ts';
import { serviceTaskIdSchema } from '../../contract/rickshaw-api.ts';
import { DEFAULT_MAX_DAILY_KM } from './rickshaw-writer.ts';

export const serviceTaskSchema = z
  .object({
    task: serviceTaskIdSchema.describe('id used in service records, e.g. brakes'),
    label: z
      .object({ de: z.string().min(1).max(40), en: z.string().min(1).max(40) })
      .describe('what to do, in plain words: the station screen shows the German one'),
    everyKm: z.number().positive().max(1e6).optional().describe('due every this many km'),
    everyDays: z.number().positive().max(3650).optional().describe('due every this many days'),
  })
  .refine((t) => t.everyKm !== undefined || t.everyDays !== undefined, 'give everyKm, everyDays or both');
export type ServiceTask = z.infer<typeof serviceTaskSchema>;

export const DEFAULT_SERVICE_TASKS: ServiceTask[] = [
  { task: 'brakes', label: { de: 'Bremsen prüfen', en: 'Check the brakes' }, everyKm: 500 },
  { task: 'tyres', label: { de: 'Reifen prüfen', en: 'Check the tyres' }, everyKm: 1000 },
  { task: 'full-check', label: { de: 'Große Inspektion', en: 'Full check' }, everyDays: 90 },
];

export const rickshawConfigSchema = z
  .object({
    services: z
      .array(serviceTaskSchema)
      .max(32)
      .default(DEFAULT_SERVICE_TASKS)
      .describe('service intervals; a mechanic recording a task resets it'),
    overdueAfterFraction: z
      .number()
      .min(0)
      .max(10)
      .default(0.1)
      .describe(
        'a due task turns overdue this fraction of its interval later (0.1: brakes every 500 km, overdue at 550)',
      ),
    maxDailyKm: z
      .number()
      .positive()
      .max(2000)
      .default(DEFAULT_MAX_DAILY_KM)
      .describe('most a rickshaw rides in a day, km: an odometer step past it (per day away) is flagged, not added'),
    noticeIntervalMs: z
      .number()
      .int()
      .min(1000)
      .max(3_600_000)
      .default(10_000)
      .describe('how often stations are told the names and due services of the rickshaws in their bays, ms'),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.services.forEach((s, i) => {
      if (seen.has(s.task))
        ctx.addIssue({ code: 'custom', path: ['services', i, 'task'], message: `task ${s.task} appears twice` });
      seen.add(s.task);
    });
  });
export type RickshawConfig = z.infer<typeof rickshawConfigSchema>;
export type RickshawConfigInput = z.input<typeof rickshawConfigSchema>;

/** The settings with their defaults; throws a ConfigError naming each bad field (`rickshaws.services[0].task: ...`). */
export function parseRickshawConfig(input: RickshawConfigInput | undefined): RickshawConfig {
  const r = rickshawConfigSchema.safeParse(input ?? {});
  if (!r.success)
    throw new ConfigError(
      'rickshaws',
      formatIssues(r.error.issues.map((i) => ({ ...i, path: ['rickshaws', ...i.path] }))),
    );
  return r.data;
}
