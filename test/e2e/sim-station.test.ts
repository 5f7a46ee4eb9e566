// Three processes as an operator would run them: `rikscha broker`, `rikscha sim` with a shipped scenario on socat
// ptys, and `rikscha station` pointed at the config the simulator printed; telemetry reaches the central store.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/demo-process.ts';
import { requireTool } from '../support/socat.ts';
import { waitFor } from '../support/wait-for.ts';

const procs: ChildProcess[] = [];
afterAll(async () => {
  for (const p of procs.reverse()) {
    if (p.exitCode !== null || p.signalCode !== null) continue;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await gone;
  }
});

function start(
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): { proc: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, RIKSCHA_LOG_FORMAT: 'json', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(proc);
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, out: () => out, exited };
}

const jsonLines = (text: string) =>
  text.split('\n').flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

describe('rikscha sim + rikscha station + rikscha broker', () => {
  it('runs the normal-day scenario end to end over socat ptys and MQTT', async () => {
    requireTool('socat', 'socat');
    const dir = mkdtempSync(join(tmpdir(), 'rikscha-e2e-'));
    const brokerCfg = join(dir, 'broker.json');
    writeFileSync(
      brokerCfg,
      JSON.stringify({
        dataDir: join(dir, 'central'),
        mqtt: { host: '127.0.0.1', port: 0 },
        http: { host: '127.0.0.1', port: 0 },
      }),
    );
    const add = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [BIN, 'broker', 'add-station', 'kiez-nord', '--config', brokerCfg], (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    const password = /password: (\S+)/.exec(add)?.[1] ?? '';

    const broker = start(['broker', '--config', brokerCfg], { cwd: dir });
    const started = await waitFor(() => jsonLines(broker.out()).find((l) => l.msg === 'central started'), {
      what: 'the broker',
      timeoutMs: 20_000,
    });

    const stationCfg = join(dir, 'station.json');
    const sim = start(
      [
        'sim',
        '--config',
        join(import.meta.dirname, '../../hardware/scenarios/normal-day.json'),
        '--pty-dir',
        join(dir, 'pty'),
        '--station-config',
        stationCfg,
        '--mqtt-url',
        `mqtt://127.0.0.1:${String(started.mqttPort)}`,
      ],
      { cwd: dir },
    );
    await waitFor(() => jsonLines(sim.out()).find((l) => l.simReady === true), {
      what: 'the simulator to print its devices',
      timeoutMs: 20_000,
    });

    const station = start(['station', '--config', stationCfg], { cwd: dir, env: { RIKSCHA_MQTT_PASSWORD: password } });
    const api = `http://127.0.0.1:${String(started.httpPort)}/api/stations`;
    type Item = {
      stationId: string;
      online: boolean;
      lastSeq: number;
      missingSeqs: number;
      docks: { dock: number; state: string; battery: { id: string } | null; charger: { online: boolean } }[];
    };
    const item = await waitFor(
      async () => {
        const body = (await (await fetch(api)).json()) as { items: Item[] };
        const s = body.items.find((x) => x.stationId === 'kiez-nord');
        return s &&
          s.docks.length === 4 &&
          s.docks.every((d) => d.battery && d.charger.online) &&
          s.docks.some((d) => d.state === 'charging')
          ? s
          : null;
      },
      { what: 'kiez-nord with 4 docks, their batteries and chargers, one charging', timeoutMs: 30_000 },
    );
    expect(item.online).toBe(true);
    expect(item.missingSeqs).toBe(0);
    expect(item.docks.map((d) => d.battery?.id)).toEqual([
      'RIK-13S-0101',
      'RIK-13S-0102',
      'RIK-13S-0103',
      'RIK-14S-0104',
    ]);

    for (const p of [station, sim, broker]) {
      p.proc.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    }
  }, 90_000);
});
