// `rikscha sim` (runSim, the command's body) with a shipped scenario: it prints where each device is (table + JSON
// line), the printed station config is valid, and the station's own device layer polls every BMS and charger over
// the socat ptys (a charger bus shared by two docks included); the control API injects a fault; stop removes the ptys.
// Also the TCP variant, where the chargers speak Modbus TCP as behind a gateway.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runSim, type RunningSim } from '../../cli/sim-command.ts';
import { systemClock } from '../../lib/clock.ts';
import { parseStationConfig } from '../../station/config/station-config.ts';
import { createStationDevices, type StationDevices } from '../../station/devices/dock-devices.ts';
import { requireTool } from '../support/socat.ts';
import { waitFor } from '../support/wait-for.ts';

const scenario = (name: string) => fileURLToPath(new URL(`../../hardware/scenarios/${name}.json`, import.meta.url));
const log = pino({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(opts: Parameters<typeof runSim>[0]): Promise<{ sim: RunningSim; lines: string[] }> {
  const lines: string[] = [];
  const sim = await runSim(opts, { log, out: (t) => lines.push(...t.split('\n')) });
  cleanups.push(() => sim.stop());
  return { sim, lines };
}

async function stationOn(config: unknown): Promise<StationDevices> {
  const cfg = parseStationConfig(
    { ...(config as object), dataDir: mkdtempSync(join(tmpdir(), 'rikscha-simcmd-')) },
    'printed',
  );
  const devices = await createStationDevices({ ...cfg, pollIntervalMs: 100 }, { clock: systemClock, log });
  devices.start();
  cleanups.push(() => devices.stop());
  return devices;
}

describe('rikscha sim', () => {
  it('starts normal-day on socat ptys, prints them, and the station device layer polls every device', async () => {
    requireTool('socat', 'socat');
    const ptyDir = mkdtempSync(join(tmpdir(), 'rikscha-simcmd-pty-'));
    const configFile = join(ptyDir, 'station.json');
    const { sim, lines } = await start({
      config: scenario('normal-day'),
      controlPort: '0',
      ptyDir,
      stationConfig: configFile,
    });

    expect(lines[0]).toMatch(/^rikscha sim: station kiez-nord, 4 dock\(s\)/);
    expect(lines[1]).toMatch(/^DOCK\s+DEVICE\s+PORT\s+UNIT\s+BAUD/);
    expect(lines.some((l) => l.includes(join(ptyDir, 'dock-1-bms')) && l.includes('RIK-13S-0101'))).toBe(true);
    const ready = JSON.parse(lines.find((l) => l.startsWith('{"simReady":true')) ?? '{}') as {
      devices: { kind: string; address: string; dock: number }[];
      controlUrl: string;
      stationConfig: unknown;
    };
    // Docks 1 and 2 have a charger line each, docks 3 and 4 share one; the rickshaw at dock 1 brings a VESC.
    expect(ready.devices.map((d) => `${d.dock}/${d.kind}`)).toEqual([
      '1/bms',
      '1/charger',
      '1/vesc',
      '2/bms',
      '2/charger',
      '3/bms',
      '3/charger',
      '4/bms',
      '4/charger',
    ]);
    for (const d of ready.devices) expect(existsSync(d.address), d.address).toBe(true);
    expect(new Set(ready.devices.filter((d) => d.dock >= 3 && d.kind === 'charger').map((d) => d.address)).size).toBe(
      1,
    );
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual(ready.stationConfig);

    const devices = await stationOn(ready.stationConfig);
    await waitFor(() => devices.docks.every((d) => d.bmsPoller.latest && d.chargerPoller?.latest), {
      what: 'a reading from every BMS and charger over the ptys',
      timeoutMs: 15_000,
    });
    expect(devices.docks.map((d) => d.bmsPoller.latest?.value.id)).toEqual([
      'RIK-13S-0101',
      'RIK-13S-0102',
      'RIK-13S-0103',
      'RIK-14S-0104',
    ]);
    expect(devices.docks.map((d) => d.charger?.model)).toEqual(['RD6018', 'RD6018', 'RD6018', 'RD6018']);

    // A fault through the control API reaches the station as silence on dock 2's BMS.
    const res = await fetch(`${ready.controlUrl}/api/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dock: 2, fault: 'no-answer' }),
    });
    expect(res.status).toBe(201);
    const d2 = devices.docks[1];
    const before = d2?.bms.counters().timeouts ?? 0;
    await waitFor(() => (d2?.bms.counters().timeouts ?? 0) > before, { what: 'dock 2 BMS timeouts' });
    const status = (await (await fetch(`${ready.controlUrl}/api/sim`)).json()) as { faults: unknown[] };
    expect(status.faults).toEqual([expect.objectContaining({ dock: 2, fault: 'no-answer', target: 'bms' })]);

    await devices.stop();
    await sim.stop();
    for (const d of ready.devices) expect(existsSync(d.address), `${d.address} after stop`).toBe(false);
  });

  it('serves TCP ports instead (chargers as Modbus TCP), and refuses a bad scenario naming the field', async () => {
    const { lines } = await start({ config: scenario('flaky-bus'), ports: 'tcp' });
    const ready = JSON.parse(lines.find((l) => l.startsWith('{"simReady":true')) ?? '{}') as {
      devices: { address: string }[];
      stationConfig: unknown;
      controlUrl: null;
    };
    expect(ready.controlUrl).toBeNull();
    expect(ready.devices.every((d) => /^tcp:\/\/127\.0\.0\.1:\d+$/.test(d.address))).toBe(true);
    const devices = await stationOn(ready.stationConfig);
    await waitFor(() => devices.docks.every((d) => d.bmsPoller.latest && d.chargerPoller?.latest), {
      what: 'readings over TCP',
      timeoutMs: 15_000,
    });
    expect(devices.docks.map((d) => d.chargerPoller?.latest?.value.online)).toEqual([true, true, true]);

    const dir = mkdtempSync(join(tmpdir(), 'rikscha-bad-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ stationId: 'x', docks: [{ dock: 1, battery: { id: 'A', socPct: 101 } }] }));
    await expect(runSim({ config: bad }, { log, out: () => undefined })).rejects.toThrow(/docks\[0\]\.battery\.socPct/);
    await expect(runSim({ config: bad, ports: 'serial' }, { log, out: () => undefined })).rejects.toThrow(/--ports/);
  });
});

describe('rikscha sim as a process', () => {
  it('prints its ports, then exits 0 on SIGTERM and leaves no pty behind', async () => {
    requireTool('socat', 'socat');
    const { spawn } = await import('node:child_process');
    const ptyDir = mkdtempSync(join(tmpdir(), 'rikscha-simproc-'));
    // cli/main.ts registers `sim` later; until then the command's entry point is started directly.
    const code = `import('./cli/sim-command.ts').then((m) => m.runSimCommand({ config: ${JSON.stringify(scenario('hot-afternoon'))}, ptyDir: ${JSON.stringify(ptyDir)}, controlPort: '0' }))`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const line = await waitFor(() => out.split('\n').find((l) => l.startsWith('{"simReady":true')), {
      what: `the ready line (stderr: ${err})`,
      timeoutMs: 20_000,
    });
    const ready = JSON.parse(line) as { devices: { address: string }[]; controlUrl: string };
    expect(ready.devices).toHaveLength(7);
    for (const d of ready.devices) expect(existsSync(d.address)).toBe(true);
    expect((await fetch(`${ready.controlUrl}/api/sim`)).status).toBe(200);
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const d of ready.devices) expect(existsSync(d.address), d.address).toBe(false);
  });
});
