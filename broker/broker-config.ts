// The central broker's config file (JSON), one zod schema: where it listens, where it keeps its data.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, formatIssues } from '../contract/config-error.ts';

const listen = (defaultPort: number) =>
  z.object({
    host: z.string().min(1).default('0.0.0.0').describe('address to listen on'),
    port: z.number().int().min(0).max(65535).default(defaultPort).describe('TCP port; 0 picks a free one'),
  });

export const brokerConfigSchema = z.object({
  dataDir: z.string().min(1).default('./data/central').describe('directory of central.sqlite'),
  mqtt: listen(1883).default({ host: '0.0.0.0', port: 1883 }),
  http: listen(8080).default({ host: '0.0.0.0', port: 8080 }),
  staleAfterMs: z.number().int().min(1000).max(3_600_000).default(60_000).describe('a station silent this long shows offline, ms'),
});

export type BrokerConfig = z.infer<typeof brokerConfigSchema>;

export function loadBrokerConfig(file: string): BrokerConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, [`(file): ${(err as Error).message}`]);
  }
  const r = brokerConfigSchema.safeParse(json);
  if (!r.success) throw new ConfigError(file, formatIssues(r.error.issues));
  return r.data;
}
