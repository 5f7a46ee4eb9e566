// `rikscha doctor` as a mechanic runs it: against a simulated station on socat ptys and a real central, every
// check passes (exit 0); a missing port, a silent device, a wrong password and a bad config each get their own
// plain finding and a non-zero exit.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type Central } from '../../broker/central.ts';
import { runSim, type RunningSim } from '../../cli/sim-command.ts';
import { ptyPair, requireTool, type PtyPair } from '../support/socat.ts';

const BIN = join(import.meta.dirname, '../../bin/rikscha.js');
const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'rikscha-doctor-'));
let central: Central;
let sim: RunningSim;
let silent: PtyPair;
let good: Record<string, unknown>;
let password: string;

function doctor(config: unknown): Promise<{ code: number; out: string }> {
  const file = join(mkdtempSync(join(dir, 'cfg-')), 'station.json');
  writeFileSync(file, JSON.stringify(config));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'doctor', '--config', file], { timeout: 110_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

beforeAll(async () => {
  requireTool('socat', 'socat');
  central = await startCentral({
    dataDir: join(dir, 'central'),
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: log,
  });
  // normal-day without its timeline: a ride would take dock 1's pack away while the doctor looks at it.
  const day = JSON.parse(readFileSync(new URL('../../hardware/scenarios/normal-day.json', import.meta.url), 'utf8'));
  const scenario = join(dir, 'quiet-day.json');
  writeFileSync(scenario, JSON.stringify({ ...day, timeline: [] }));
  sim = await runSim({ config: scenario, ptyDir: dir }, { log, out: () => undefined });
  const printed = sim.stationConfig as Record<string, unknown>;
  password = central.addStation(String(printed.stationId));
  good = {
    ...printed,
    dataDir: join(dir, 'station'),
    mqtt: { url: `mqtt://127.0.0.1:${central.mqttPort}`, password },
  };
  silent = await ptyPair('doctor-silent');
}, 120_000);

afterAll(async () => {
  await silent?.kill();
  await sim?.stop();
  await central?.close();
});

describe('rikscha doctor', { timeout: 120_000 }, () => {
  it('passes every check against the simulated station and exits 0', async () => {
    const r = await doctor(good);
    expect(r.out).toMatch(/^OK {3}config: .* is valid/m);
    expect(r.out).toMatch(/^OK {3}dock 1 BMS: JBD "[^"]+" answers: \d+\.\d\d V/m);
    expect(r.out).toMatch(/^OK {3}dock 1 charger: RD60\d\d answers at unit \d+/m);
    expect(r.out).toMatch(/^OK {3}broker: mqtt:\/\/127\.0\.0\.1:\d+ accepts the station's login/m);
    expect(r.out).toMatch(/^OK {3}disk: \d+ MB free/m);
    expect(r.out).not.toMatch(/^FAIL/m);
    expect(r.out).toContain('All checks passed.');
    expect(r.code).toBe(0);
  });

  it('names a missing port, a silent device and a wrong password, each with what to do, and exits 1', async () => {
    const docks = (good.docks as Array<Record<string, unknown>>).map((d) => ({ ...d }));
    docks[0] = { ...docks[0], bms: { ...(docks[0]?.bms as object), port: join(dir, 'no-such-adapter') } };
    docks[1] = { ...docks[1], bms: { ...(docks[1]?.bms as object), port: silent.a } };
    const r = await doctor({ ...good, docks, mqtt: { ...(good.mqtt as object), password: `${password}x` } });
    expect(r.out).toMatch(/^FAIL port .*no-such-adapter: dock 1 BMS: the device does not exist\n {5}-> plug the USB/m);
    expect(r.out).toMatch(/^FAIL dock 2 BMS: no valid answer: .*\n {5}-> check the BMS is woken/m);
    expect(r.out).toMatch(/^FAIL broker: .*wrong user name or password\n {5}-> check mqtt.username/m);
    expect(r.out).toMatch(/^OK {3}dock 3 BMS: JBD/m);
    expect(r.out).toContain('3 problem(s) to fix.');
    expect(r.code).toBe(1);
  });

  it('reports a bad config with the field path and exits 1', async () => {
    const r = await doctor({ ...good, pollIntervallMs: 100 });
    expect(r.out).toMatch(/^FAIL config: pollIntervallMs: unknown key \(did you mean "pollIntervalMs"\?\)/m);
    expect(r.code).toBe(1);
  });
});
