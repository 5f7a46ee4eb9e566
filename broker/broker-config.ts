// The central broker's config file (JSON), one zod schema: where it listens (or which external broker it ingests
// from), where it keeps its data, and how long the central store keeps what.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../lib/config-error.ts';
import { readJsonConfig } from '../lib/config-file.ts';
import { rickshawConfigSchema } from './rickshaws/rickshaw-config.ts';
import { alertConfigSchema } from './health/alert-config.ts';
import { mqttLimitsSchema } from './mqtt/limits.ts';
import { gbfsConfigSchema } from './gbfs/gbfs-config.ts';
import { rentalConfigSchema } from './rental/contact-retention.ts';
import { rideRequestConfigSchema } from './ride-requests/ride-request-config.ts';

const listen = (defaultPort: number) =>
  z.object({
    host: z.string().min(1).default('0.0.0.0').describe('address to listen on'),
    port: z.number().int().min(0).max(65535).default(defaultPort).describe('TCP port; 0 picks a free one'),
  });

export interface EmbeddedMqtt {
  host: string;
  port: number;
}

/**
 * An external broker (Mosquitto, EMQX) instead of the embedded Aedes: the ingester logs in with its own account
 * (never a station's: a station's ACL lets it publish only under its own prefix and read no one else's telemetry)
 * and subscribes with `$share/<shareGroup>/...`. Passwords and ACLs are then the external broker's business.
 */
export interface ExternalMqtt {
  url: string;
  username: string;
  password?: string;
  passwordFile?: string;
  shareGroup: string | null;
}

const EXTERNAL_ONLY = ['username', 'password', 'passwordFile', 'shareGroup'] as const;

// One object rather than a union of two: a union would report a typo as "mqtt: invalid input" instead of naming
// the field, and a lenient first branch would silently read { url } as "embedded on the default port".
const mqttSchema = z
  .object({
    host: z.string().min(1).optional().describe('embedded broker: address to listen on (default 0.0.0.0)'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .describe('embedded broker: TCP port (default 1883); 0 picks a free one'),
    url: z
      .string()
      .regex(/^mqtts?:\/\/[^/]+/, 'expected mqtt://host:port or mqtts://host:port')
      .optional()
      .describe('external broker URL; set it to ingest from Mosquitto/EMQX instead of running the embedded broker'),
    username: z.string().min(1).optional().describe("external broker: the ingester's own login (not a station's)"),
    password: z.string().optional().describe('external broker: its password; prefer passwordFile'),
    passwordFile: z
      .string()
      .min(1)
      .optional()
      .describe('external broker: file holding the password (trailing newline ignored)'),
    shareGroup: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .nullable()
      .optional()
      .describe('external broker: shared-subscription group (default ingest); null subscribes plainly'),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.url === undefined) {
      for (const k of EXTERNAL_ONLY)
        if (m[k] !== undefined)
          ctx.addIssue({ code: 'custom', path: [k], message: 'only with url (an external broker)' });
      return;
    }
    for (const k of ['host', 'port'] as const)
      if (m[k] !== undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: 'not with url: the external broker does the listening' });
    if (m.username === undefined)
      ctx.addIssue({ code: 'custom', path: ['username'], message: "required with url: the ingester's own login" });
    if (m.password === undefined && m.passwordFile === undefined)
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'password or passwordFile is required with url' });
  })
  .transform((m): EmbeddedMqtt | ExternalMqtt =>
    m.url === undefined
      ? { host: m.host ?? '0.0.0.0', port: m.port ?? 1883 }
      : {
          url: m.url,
          username: m.username ?? '',
          password: m.password,
          passwordFile: m.passwordFile,
          shareGroup: m.shareGroup === undefined ? 'ingest' : m.shareGroup,
        },
  );

/** Mirrors RetentionOptions (broker/store/retention.ts); README has the disk estimate these defaults give. */
export const retentionSchema = z.object({
  rawDays: z
    .number()
    .min(0.01)
    .max(3650)
    .default(3)
    .describe(
      'raw telemetry (and rejected) messages are kept this many days (battery history lives on in the aggregates)',
    ),
  eventDays: z.number().min(0.01).max(3650).default(365).describe('raw event messages are kept this many days'),
  sampleDays: z.number().min(0.01).max(3650).default(7).describe('5-second battery samples are kept this many days'),
  minuteDays: z
    .number()
    .min(0.01)
    .max(3650)
    .default(30)
    .describe('1-minute battery aggregates are kept this many days'),
  quarterDays: z
    .number()
    .min(0.01)
    .max(3650)
    .default(365)
    .describe('15-minute battery aggregates are kept this many days'),
  intervalMs: z
    .number()
    .int()
    .min(1000)
    .max(86_400_000)
    .default(600_000)
    .describe('how often the retention job runs, ms'),
  chunkRows: z
    .number()
    .int()
    .min(100)
    .max(100_000)
    .default(2000)
    .describe('rows deleted per transaction, so ingestion never waits long'),
});

export const brokerConfigSchema = z.object({
  dataDir: z.string().min(1).default('./data/central').describe('directory of central.sqlite'),
  mqtt: mqttSchema
    .prefault({})
    .describe('embedded broker {host, port}, or an external one {url, username, password|passwordFile}'),
  http: listen(8080).default({ host: '0.0.0.0', port: 8080 }),
  staleAfterMs: z
    .number()
    .int()
    .min(1000)
    .max(3_600_000)
    .default(60_000)
    .describe('a station silent this long shows offline, ms'),
  retention: retentionSchema.prefault({}),
  rickshaws: rickshawConfigSchema
    .prefault({})
    .describe('service intervals, the odometer guard, notices to stations (broker/rickshaws/rickshaw-config.ts)'),
  healthAlerts: alertConfigSchema
    .prefault({})
    .describe(
      'battery-health alert thresholds (trigger and clear levels) and check period (broker/health/alert-config.ts)',
    ),
  mqttLimits: mqttLimitsSchema
    .prefault({})
    .describe('embedded broker: packet sizes, connect timeout, caps on connections (in total and per address)'),
  rideRequests: rideRequestConfigSchema
    .prefault({})
    .describe("passengers' ride requests: days kept after the ride (then only counts remain), deletion job period"),
  rental: rentalConfigSchema
    .prefault({})
    .describe('the rental desk: days a booking keeps its contact after it ended, deletion job period'),
  gbfs: gbfsConfigSchema
    .optional()
    .describe('the public GBFS v3.0 feed at /gbfs/gbfs.json: system, station places, vehicle types and range model'),
});

export type BrokerConfig = z.infer<typeof brokerConfigSchema>;

export function loadBrokerConfig(file: string): BrokerConfig {
  const cfg = parseConfig(brokerConfigSchema, readJsonConfig(file), file);
  // The password is read here, once, so the rest of the program sees one shape whichever way it was given.
  if ('url' in cfg.mqtt && cfg.mqtt.passwordFile !== undefined) {
    try {
      cfg.mqtt.password = readFileSync(cfg.mqtt.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(file, [`mqtt.passwordFile: cannot read: ${(err as Error).message}`]);
    }
  }
  return cfg;
}
