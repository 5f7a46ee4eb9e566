// The station's config file (JSON), validated by one zod schema: units, defaults and ranges live in the descriptions,
// and every problem is reported with the path of its field.

import { z } from 'zod';
import { ConfigError, parseConfig } from '../../lib/config-error.ts';
import { readJsonConfig } from '../../lib/config-file.ts';
import { stationIdSchema } from '../../contract/messages.ts';
import { ioBoardConfigSchema } from '../../firmware-bridge/io-board/io-board-config.ts';
import { chargingConfigSchema } from '../charging/charging-config.ts';
import { bayConfigSchema, bayConflicts } from '../bays/bay-config.ts';
import { healthConfigSchema } from '../health/health-config.ts';
import { displayConfigSchema } from '../display/screen-language.ts';
import { procedureListSchema, type Procedure } from '../procedures/procedure-config.ts';
import { resolveProcedures } from '../procedures/procedure-source.ts';

export { ConfigError };

/** `/dev/ttyUSB0`, `/dev/serial/by-id/...`, a socat pty path, `tcp://host:port` (ser2net) or `mock:<name>`. */
const portSchema = z.string().min(1).describe('serial device path, tcp://host:port, or mock:<name> for the simulator');

export const bmsConfigSchema = z.object({
  type: z.literal('jbd').describe('BMS protocol; JBD/Xiaoxiang UART'),
  port: portSchema,
  baudRate: z.number().int().positive().default(9600).describe('baud; JBD UART default 9600'),
  timeoutMs: z.number().int().min(20).max(5000).default(300).describe('reply timeout per request, ms'),
});

export const chargerConfigSchema = z
  .object({
    type: z
      .enum(['riden', 'generic', 'none'])
      .default('none')
      .describe('charger driver; none = dock without a controllable charger'),
    port: portSchema.optional(),
    baudRate: z.number().int().positive().default(115200).describe('baud; Riden RD60xx default 115200'),
    unit: z.number().int().min(1).max(247).default(1).describe('Modbus slave address'),
    model: z.string().optional().describe('generic driver: path of the charger model file'),
    maxCurrentA: z
      .number()
      .positive()
      .max(100)
      .default(10)
      .describe('largest current this charger may be asked for, A'),
    timeoutMs: z.number().int().min(20).max(5000).default(200).describe('reply timeout per request, ms'),
  })
  .refine((c) => c.type === 'none' || c.port !== undefined, {
    path: ['port'],
    message: 'required when the charger type is not none',
  })
  .refine((c) => c.type !== 'generic' || c.model !== undefined, {
    path: ['model'],
    message: 'required for the generic charger (path of its model file)',
  });

export const dockConfigSchema = z.object({
  dock: z.number().int().min(1).max(512).describe('dock number as printed on the station'),
  series: z.literal([13, 14]).default(13).describe('cells in series the dock is wired for (voltage class)'),
  bms: bmsConfigSchema,
  charger: chargerConfigSchema.default({ type: 'none', baudRate: 115200, unit: 1, maxCurrentA: 10, timeoutMs: 200 }),
});

export const mqttConfigSchema = z.object({
  url: z.string().url().describe('broker URL, mqtt://host:port or mqtts://host:port'),
  username: z.string().optional().describe('defaults to the station id'),
  password: z.string().optional(),
  passwordFile: z.string().optional().describe('file holding the password (preferred over password in the config)'),
  ca: z.string().optional().describe('CA certificate file for mqtts'),
  keepaliveS: z.number().int().min(5).max(600).default(30),
  ackTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(600_000)
    .default(15_000)
    .describe('resend a message not acknowledged by the central store after this long, ms'),
});

/** Dock numbers are unique; reads the raw docks defensively because it also runs when other fields are invalid. */
function checkDockNumbers(cfg: unknown, ctx: z.RefinementCtx): void {
  const docks = (cfg as { docks?: unknown }).docks;
  if (!Array.isArray(docks)) return;
  const seen = new Set<unknown>();
  docks.forEach((d: unknown, i) => {
    const n = (d as { dock?: unknown } | null)?.dock;
    if (typeof n !== 'number') return;
    if (seen.has(n)) ctx.addIssue({ code: 'custom', path: ['docks', i, 'dock'], message: `dock ${n} appears twice` });
    seen.add(n);
  });
}

export const stationConfigSchema = z
  .object({
    stationId: stationIdSchema,
    dataDir: z.string().default('./data/station').describe('directory for the station database (history and outbox)'),
    mqtt: mqttConfigSchema,
    telemetryIntervalMs: z.number().int().min(100).max(600_000).default(1000).describe('telemetry period, ms'),
    pollIntervalMs: z.number().int().min(50).max(60_000).default(500).describe('device poll period, ms'),
    tickMs: z.number().int().min(10).max(10_000).default(100).describe('charge loop period, ms'),
    docks: z.array(dockConfigSchema).min(1).max(512),
    charging: chargingConfigSchema
      .omit({ tickMs: true, pollPeriodMs: true })
      .prefault({})
      .describe('charging policy: budget, temperature window, targets (tickMs and pollIntervalMs above apply)'),
    health: healthConfigSchema
      .prefault({})
      .describe('battery-health estimators: rest before an OCV anchor, capacity window, current steps, OCV curve'),
    display: displayConfigSchema
      .prefault({})
      .describe('screen language (de default, en) and further languages for the 20x4 screen'),
    ioBoard: ioBoardConfigSchema
      .optional()
      .describe('status LEDs, buttons and the 20x4 screen; absent = a station without one'),
    metrics: z
      .strictObject({
        port: z.number().int().min(0).max(65535).describe('TCP port for GET /metrics and GET /healthz; 0 picks one'),
        host: z
          .string()
          .default('127.0.0.1')
          .describe('address to listen on; default localhost only (the figures name docks and lines)'),
      })
      .optional()
      .describe('local HTTP port with Prometheus metrics and a health check; absent = off'),
    departures: z
      .array(
        z.object({
          dock: z.number().int().min(1).max(512),
          at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
        }),
      )
      .default([])
      .describe('daily departure time per dock, local HH:MM (the charging budget utcOffsetMin applies)'),
    bays: z.array(bayConfigSchema).max(64).default([]).describe("service bays: the rickshaws' motor controllers"),
    procedures: procedureListSchema
      .optional()
      .describe(
        'guided procedures for trainees (steps on the 20x4 screen); absent = proceduresFile or the shipped four',
      ),
    proceduresFile: z
      .string()
      .min(1)
      .optional()
      .describe('path of a procedures file ({ "procedures": [...] }), relative to this config; instead of procedures'),
    traineeNumbers: z
      .number()
      .int()
      .min(0)
      .max(999)
      .default(30)
      .describe('highest trainee number offered on the screen before a procedure; 0 = no number is asked'),
  })
  .superRefine(checkDockNumbers, {
    // Runs even when other fields have problems, so a repeated dock number shows in the same pass.
    when: () => true,
  })
  .superRefine((cfg, ctx) => {
    if (cfg.procedures !== undefined && cfg.proceduresFile !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['proceduresFile'],
        message: 'give procedures or proceduresFile, not both',
      });
    // A bay polls on a line of its own: the charge loop's lines never wait behind it.
    const dockPorts = new Set(cfg.docks.flatMap((d) => [d.bms.port, ...(d.charger.port ? [d.charger.port] : [])]));
    for (const issue of bayConflicts(cfg.bays, dockPorts)) ctx.addIssue({ code: 'custom', ...issue });
  });

/** The station config as the station uses it: the procedures resolved (a named file read, defaults filled in). */
export type StationConfig = Omit<z.infer<typeof stationConfigSchema>, 'procedures' | 'proceduresFile'> & {
  procedures: Procedure[];
};
export type StationConfigInput = z.input<typeof stationConfigSchema>;
export type DockConfig = z.infer<typeof dockConfigSchema>;

export function parseStationConfig(input: unknown, file = 'config'): StationConfig {
  const cfg = parseConfig(stationConfigSchema, input, file);
  const { proceduresFile, ...rest } = cfg;
  const r = resolveProcedures(proceduresFile ?? cfg.procedures, file);
  if (!r.ok) throw new ConfigError(file, r.problems);
  return { ...rest, procedures: r.procedures };
}

export function loadStationConfig(file: string): StationConfig {
  return parseStationConfig(readJsonConfig(file), file);
}
