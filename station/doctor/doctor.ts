// `rikscha doctor`: everything a mechanic would check by hand when a station misbehaves, in one run — the config,
// the serial ports, each device's answer, the broker login, free disk, the clock and systemd — as plain findings.

import { readFileSync } from 'node:fs';
import { ConfigError } from '../../lib/config-error.ts';
import { loadStationConfig, type StationConfig } from '../config/station-config.ts';
import { checkBroker } from './broker-check.ts';
import { fail, ok, type CheckResult } from './check-result.ts';
import { checkDevices } from './device-checks.ts';
import { checkClock, checkDisk, checkPorts, checkSystemd } from './host-checks.ts';

export interface DoctorReport {
  results: CheckResult[];
  /** Some check failed: the station cannot work as configured. */
  failed: boolean;
}

function password(config: StationConfig): string | null {
  if (config.mqtt.passwordFile) {
    try {
      return readFileSync(config.mqtt.passwordFile, 'utf8').trim();
    } catch {
      return null;
    }
  }
  return config.mqtt.password ?? process.env.RIKSCHA_MQTT_PASSWORD ?? null;
}

export async function runDoctor(file: string): Promise<DoctorReport> {
  let config: StationConfig;
  try {
    config = loadStationConfig(file);
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [String(err)];
    const results = problems.map((p) =>
      fail('config', p, 'correct the config file; `rikscha check-config` lists the same'),
    );
    return { results, failed: true };
  }
  const results: CheckResult[] = [ok('config', `${file} is valid (station ${config.stationId})`)];
  const ports = await checkPorts(config);
  results.push(...ports);
  const unusable = new Set(ports.filter((r) => r.status === 'fail').map((r) => r.check.replace(/^port /, '')));
  results.push(...(await checkDevices(config, unusable)));
  results.push(await checkBroker(config, password(config)));
  results.push(checkDisk(config.dataDir));
  results.push(checkClock());
  results.push(checkSystemd());
  return { results, failed: results.some((r) => r.status === 'fail') };
}

const MARK = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL' } as const;

/** One line per finding, with what to do indented below a problem. */
export function formatReport(report: DoctorReport): string {
  const lines = report.results.map((r) => {
    const head = `${MARK[r.status]} ${r.check}: ${r.detail}`;
    return r.fix && r.status !== 'ok' ? `${head}\n     -> ${r.fix}` : head;
  });
  const failures = report.results.filter((r) => r.status === 'fail').length;
  lines.push(failures ? `${failures} problem(s) to fix.` : 'All checks passed.');
  return `${lines.join('\n')}\n`;
}
