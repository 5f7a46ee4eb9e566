// `rikscha broker --config F` runs the central side; `rikscha broker add-station <id>`, `add-viewer <user>` and
// `add-mechanic <user>` create credentials in the central store (the password is printed once; only its scrypt
// hash is kept); `set-first-seq <id> <seq>` declares where a station's history starts.

import { fileURLToPath } from 'node:url';
import { ZodError } from 'zod';
import { ConfigError } from '../lib/config-error.ts';
import { brokerConfigSchema, loadBrokerConfig, type BrokerConfig } from '../broker/broker-config.ts';
import { startCentral } from '../broker/central.ts';
import { CentralDb } from '../broker/store/central-db.ts';
import { Credentials } from '../broker/store/credentials.ts';
import { createLogger } from './logger.ts';
import { onMemoryReport } from './memory-report.ts';
import { UsageError } from './options.ts';
import { onShutdown } from './shutdown.ts';

const DASHBOARD_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));

function configFrom(file: string | undefined): BrokerConfig {
  try {
    return file ? loadBrokerConfig(file) : brokerConfigSchema.parse({});
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

export async function runBroker(file: string | undefined): Promise<void> {
  const cfg = configFrom(file);
  const log = createLogger();
  const central = await startCentral({
    dataDir: cfg.dataDir,
    mqtt: cfg.mqtt,
    http: cfg.http,
    dashboardDir: DASHBOARD_DIR,
    staleAfterMs: cfg.staleAfterMs,
    retention: cfg.retention,
    rickshaws: cfg.rickshaws,
    healthAlerts: cfg.healthAlerts,
    mqttLimits: cfg.mqttLimits,
    gbfs: cfg.gbfs,
    rideRequests: cfg.rideRequests,
    rental: cfg.rental,
    logger: log,
  });
  onShutdown(log, () => central.close());
  onMemoryReport(log, () => central.workerHeap());
}

/** Declares where a station's seq history starts (a new or restored central store; see CentralDb.setFirstSeq). */
export function setFirstSeq(stationId: string, seqText: string, opts: { config?: string; dataDir?: string }): void {
  const seq = Number(seqText);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new UsageError(`seq "${seqText}": a whole number from 1`);
  const cfg = configFrom(opts.config);
  const db = new CentralDb(opts.dataDir ?? cfg.dataDir);
  try {
    if (!db.getStation(stationId))
      throw new UsageError(`station ${stationId} is not in the central store at ${db.path}`);
    const r = db.setFirstSeq(stationId, seq, Date.now());
    process.stdout.write(
      `station ${stationId}: history starts at seq ${seq}; ack ${r.ackSeq}, settled ${r.settledCount}\n`,
    );
  } finally {
    db.close();
  }
}

/** Creates credentials; refuses to replace an existing station's password unless `reset` is set. */
export function addCredentials(
  kind: 'station' | 'viewer' | 'mechanic',
  name: string,
  opts: { config?: string; dataDir?: string; reset?: boolean },
): void {
  const cfg = configFrom(opts.config);
  const db = new CentralDb(opts.dataDir ?? cfg.dataDir);
  try {
    const creds = new Credentials(db, () => Date.now());
    if (kind === 'station' && creds.hasStation(name) && !opts.reset) {
      throw new UsageError(`station ${name} already has credentials; add --reset to replace its password`);
    }
    let password: string;
    try {
      password = kind === 'station' ? creds.addStation(name) : creds.addUser(name, kind);
    } catch (err) {
      if (err instanceof ZodError)
        throw new UsageError(`${kind} id "${name}": ${err.issues.map((i) => i.message).join('; ')}`);
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    process.stdout.write(`${kind} ${name}\npassword: ${password}\n(shown once; only its hash is stored)\n`);
  } finally {
    db.close();
  }
}
