// The walking skeleton, black-box: `rikscha demo` serves health and the station list with changing voltages,
// Mosquitto's own client sees retained status and telemetry with the viewer URL the demo logs (and is refused
// without it), the dashboard shows the station in Chromium, and SIGTERM ends it all with exit 0 within 5 s.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { launchChromium } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoProcess } from '../support/demo-process.ts';
import { requireTool } from '../support/socat.ts';
import { waitFor } from '../support/wait-for.ts';

interface StationItem {
  stationId: string;
  online: boolean;
  lastSeq: number;
  missingSeqs: number;
  docks: { dock: number; battery: { voltageV: number; socPct: number } | null }[];
}

let demo: DemoProcess;
const base = () => `http://127.0.0.1:${demo.httpPort}`;
const stations = async (): Promise<StationItem[]> =>
  ((await (await fetch(`${base()}/api/stations`)).json()) as { items: StationItem[] }).items;

/** Runs mosquitto_sub until it has printed `count` messages or the deadline passes. */
function mosquittoSub(
  args: string[],
  count: number,
  timeoutS = 10,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn('mosquitto_sub', [...args, '-C', String(count), '-W', String(timeoutS), '-v'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  requireTool('mosquitto_sub', 'mosquitto-clients');
  demo = await startDemo();
}, 60_000);

afterAll(async () => {
  if (demo && demo.proc.exitCode === null) await demo.stop();
});

describe('rikscha demo', () => {
  it('answers /healthz and lists demo-1 with 4 docks whose battery voltage changes over time', async () => {
    const health = await fetch(`${base()}/healthz`);
    expect(health.status).toBe(200);
    const first = await waitFor(
      async () =>
        (await stations()).find(
          (s) => s.stationId === 'demo-1' && s.docks.length === 4 && s.docks.every((d) => d.battery),
        ),
      {
        what: 'demo-1 with a battery in every dock',
        timeoutMs: 20_000,
      },
    );
    expect(first.docks.map((d) => d.dock)).toEqual([1, 2, 3, 4]);
    expect(first.online).toBe(true);
    const volts = (s: StationItem) => s.docks.map((d) => d.battery?.voltageV ?? 0);
    const v0 = volts(first);
    const later = await waitFor(
      async () => {
        const s = (await stations()).find((x) => x.stationId === 'demo-1');
        return s && s.lastSeq > first.lastSeq && volts(s).some((v, i) => v !== v0[i]) ? s : null;
      },
      { what: 'a battery voltage to change', timeoutMs: 20_000 },
    );
    expect(later.missingSeqs).toBe(0);
  });

  it('lets mosquitto_sub with the logged viewer URL see retained status and telemetry, and refuses it without', async () => {
    const status = await mosquittoSub(['-L', `${demo.viewerUrl}/rikscha/v1/demo-1/status`], 1);
    expect(status.code).toBe(0);
    const [topic, payload] = status.out.trim().split(/ (.*)/s);
    expect(topic).toBe('rikscha/v1/demo-1/status');
    const st = JSON.parse(payload ?? '{}') as {
      stationId: string;
      online: boolean;
      metrics?: { devices: { device: string; requests: number; responses: number }[] };
    };
    expect(st).toMatchObject({ stationId: 'demo-1', online: true });
    // The station's device counters travel with its status: every BMS and charger has been asked and has answered.
    for (const n of [1, 2, 3, 4]) {
      for (const dev of [`dock-${n}/bms`, `dock-${n}/charger`])
        expect(st.metrics?.devices.find((d) => d.device === dev)?.responses, dev).toBeGreaterThan(0);
    }

    const tele = await mosquittoSub(['-L', `${demo.viewerUrl}/rikscha/v1/demo-1/telemetry`], 2);
    expect(tele.code).toBe(0);
    const msgs = tele.out
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l.slice(l.indexOf(' ') + 1)) as { stationId: string; ts: number; seq: number; docks: unknown[] },
      );
    expect(msgs).toHaveLength(2);
    for (const m of msgs) {
      expect(m.stationId).toBe('demo-1');
      expect(m.ts).toBeGreaterThan(1_600_000_000_000);
      expect(Number.isInteger(m.seq)).toBe(true);
      expect(m.docks).toHaveLength(4);
    }
    expect((msgs[1]?.seq ?? 0) - (msgs[0]?.seq ?? 0)).toBeGreaterThanOrEqual(1);

    const anonymous = await mosquittoSub(['-h', '127.0.0.1', '-p', String(demo.mqttPort), '-t', 'rikscha/v1/#'], 1, 3);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.out).toBe('');
    const viewerPublish = await new Promise<number | null>((resolve) => {
      const p = spawn('mosquitto_pub', ['-L', `${demo.viewerUrl}/rikscha/v1/demo-1/telemetry`, '-m', '{}', '-q', '1']);
      p.on('exit', (code) => resolve(code));
    });
    // A read-only viewer's publish is refused (the broker drops the connection): never a success.
    expect(viewerPublish).not.toBe(0);
  });

  it('shows demo-1 and its docks on the dashboard in headless Chromium', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(base());
      await page.getByTestId('station-demo-1').waitFor({ timeout: 15_000 });
      for (const n of [1, 2, 3, 4]) await page.getByTestId(`dock-demo-1-${n}`).waitFor();
      const voltage = await page.getByTestId('dock-voltage-demo-1-1').textContent();
      expect(voltage).toMatch(/\d+,\d+\s*V/);
      expect(errors, errors.join('\n')).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('ends on SIGTERM with exit code 0 within 5 s and leaves the SQLite files closed and intact', async () => {
    const r = await demo.stop();
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(5000);
    expect(demo.logs.some((l) => Number(l.level) >= 50)).toBe(false);
    const files = [join(demo.dataDir, 'central', 'central.sqlite'), join(demo.dataDir, 'station', 'demo-1.sqlite')];
    for (const f of files) {
      expect(existsSync(f), f).toBe(true);
      const db = new Database(f, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    }
  });
});
