// `rikscha sim --config <scenario.json>`: a station's worth of simulated devices on socat ptys (or TCP ports), with the
// scenario's timeline and, with --control-port, the control API. Prints where each device is (a table for people, one
// JSON line for scripts) and the station config to point `rikscha station` at them; stops cleanly on SIGINT/SIGTERM.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { ConfigError } from '../lib/config-error.ts';
import { systemClock, type Clock } from '../lib/clock.ts';
import { createSimControlHandler } from '../hardware/control/sim-control-api.ts';
import { FaultInjector } from '../hardware/faults/fault-injector.ts';
import { ptyPortFactory } from '../hardware/ports/pty-port.ts';
import { tcpPortFactory } from '../hardware/ports/tcp-port.ts';
import { buildSimStation, ScenarioRunner } from '../hardware/scenario/scenario-runner.ts';
import { loadScenario, type Scenario } from '../hardware/scenario/scenario-schema.ts';
import { stationConfigFor } from '../hardware/scenario/station-config-snippet.ts';
import type { SimDeviceInfo, SimStation } from '../hardware/station-sim/sim-station.ts';
import { startSimUno } from './sim-uno.ts';
import type { IoBoardConfigInput } from '../firmware-bridge/io-board/io-board-config.ts';
import type { SimulatedUno } from '../hardware/uno-sim/simulated-uno.ts';
import { portOption, UsageError } from './options.ts';
import { onShutdown } from './shutdown.ts';

export interface SimCommandOptions {
  config: string;
  /** Serve the control API here (0 = a free port); omitted: no control API. */
  controlPort?: string;
  /** `pty` (default): socat pseudo-terminals; `tcp`: a TCP listener per line (chargers then speak Modbus TCP). */
  ports?: string;
  /** Directory for the pty links; default a fresh one under the system temp dir. */
  ptyDir?: string;
  /** Write the matching station config to this file. */
  stationConfig?: string;
  /** MQTT URL to put in the station config. */
  mqttUrl?: string;
  /** Pace device replies at each line's baud rate. */
  pace?: boolean;
  /** Also run a simulated Arduino Uno with StandardFirmata as the station's I/O board (hardware/uno-sim/). */
  uno?: boolean;
}

export interface RunningSim {
  scenario: Scenario;
  station: SimStation;
  runner: ScenarioRunner;
  faults: FaultInjector;
  devices: SimDeviceInfo[];
  /** `http://127.0.0.1:<port>` of the control API, or null. */
  controlUrl: string | null;
  stationConfig: ReturnType<typeof stationConfigFor> & { ioBoard?: IoBoardConfigInput };
  /** The simulated Uno, with --uno. */
  uno: SimulatedUno | null;
  stop(): Promise<void>;
}

export interface SimDeps {
  clock?: Clock;
  log?: Logger;
  /** Where the table and the JSON line go; default stdout. */
  out?: (text: string) => void;
}

function table(devices: SimDeviceInfo[]): string {
  const rows = [['DOCK', 'DEVICE', 'PORT', 'UNIT', 'BAUD', 'NOTE']];
  for (const d of devices) {
    const note = d.batteryId ?? (d.sharedWith ? `bus shared with dock ${d.sharedWith.join(', ')}` : '');
    rows.push([
      String(d.dock),
      d.kind,
      d.address,
      d.unit === undefined ? '' : String(d.unit),
      String(d.baudRate),
      note,
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const a = server.address();
      resolve(a && typeof a === 'object' ? a.port : port);
    });
  });
}

/** Starts everything and returns a handle; the CLI adds signal handling (runSimCommand). */
export async function runSim(opts: SimCommandOptions, deps: SimDeps = {}): Promise<RunningSim> {
  const out = deps.out ?? ((t: string) => void process.stdout.write(`${t}\n`));
  const log = deps.log ?? pino({ level: process.env.RIKSCHA_LOG_LEVEL ?? 'info', name: 'sim' }, pino.destination(2));
  const clock = deps.clock ?? systemClock;
  const kind = opts.ports ?? 'pty';
  if (kind !== 'pty' && kind !== 'tcp') throw new UsageError(`--ports: expected pty or tcp, got "${kind}"`);
  const controlPort =
    opts.controlPort === undefined
      ? null
      : portOption('--control-port', opts.controlPort, 'RIKSCHA_SIM_CONTROL_PORT', 0);
  let scenario: Scenario;
  try {
    scenario = loadScenario(opts.config);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }

  // A pty directory we made ourselves is removed again on stop; one the user named is left alone.
  const ownDir =
    kind === 'pty' && !opts.ptyDir ? mkdtempSync(join(tmpdir(), `rikscha-sim-${scenario.stationId}-`)) : null;
  // socat creates the links but not their directory.
  if (kind === 'pty' && opts.ptyDir) mkdirSync(opts.ptyDir, { recursive: true });
  const ports = kind === 'pty' ? ptyPortFactory(opts.ptyDir ?? ownDir ?? '.') : tcpPortFactory();
  const station = buildSimStation(scenario, { clock, ports, ...(opts.pace ? { paceReplies: true } : {}) });
  const faults = new FaultInjector(station);
  const runner = new ScenarioRunner(station, scenario, faults);
  runner.onEvent((e) =>
    e.error
      ? log.warn(e, 'timeline event failed')
      : log.info(e, `timeline: ${e.type}${e.dock ? ` dock ${e.dock}` : ''}`),
  );
  try {
    await station.start();
  } catch (err) {
    await station.stop().catch(() => undefined);
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    throw err;
  }
  runner.start();
  const uno = opts.uno
    ? await startSimUno(station, scenario, { clock, log, dir: opts.ptyDir ?? ownDir }).catch(async (err: unknown) => {
        runner.stop();
        await station.stop().catch(() => undefined);
        if (ownDir) rmSync(ownDir, { recursive: true, force: true });
        throw err;
      })
    : null;

  let server: Server | null = null;
  let controlUrl: string | null = null;
  if (controlPort !== null) {
    const handle = createSimControlHandler(station, faults);
    const srv = createServer((req, res) => {
      handle(req, res).then(
        (handled) => {
          if (!handled) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: 'not found; the simulator serves /api/sim' }));
          }
        },
        () => res.destroy(),
      );
    });
    server = srv;
    controlUrl = `http://127.0.0.1:${await listen(srv, controlPort)}`;
  }

  const devices = station.devices();
  const stationConfig = {
    ...stationConfigFor(station, { ...(opts.mqttUrl ? { mqttUrl: opts.mqttUrl } : {}) }),
    ...(uno ? { ioBoard: uno.ioBoard } : {}),
  };
  if (opts.stationConfig) writeFileSync(opts.stationConfig, `${JSON.stringify(stationConfig, null, 2)}\n`);
  out(
    `rikscha sim: station ${scenario.stationId}, ${scenario.docks.length} dock(s), ${scenario.speed}x, ${scenario.timeline.length} timeline event(s)`,
  );
  out(table(devices));
  if (uno) out(`I/O board: simulated Arduino Uno running StandardFirmata on ${uno.board.link}`);
  if (controlUrl) out(`control API: ${controlUrl}/api/sim`);
  if (opts.stationConfig)
    out(`station config written to ${opts.stationConfig}: rikscha station --config ${opts.stationConfig}`);
  out(JSON.stringify({ simReady: true, stationId: scenario.stationId, controlUrl, devices, stationConfig }));

  let stopped = false;
  return {
    scenario,
    station,
    runner,
    faults,
    devices,
    controlUrl,
    stationConfig,
    uno: uno?.board ?? null,
    async stop() {
      if (stopped) return;
      stopped = true;
      runner.stop();
      if (server) {
        const s = server;
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
      await uno?.stop();
      await station.stop();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/** `rikscha sim`: runs until SIGINT/SIGTERM, then stops every device and socat and exits 0. */
export async function runSimCommand(opts: SimCommandOptions): Promise<void> {
  const log = pino({ level: process.env.RIKSCHA_LOG_LEVEL ?? 'info', name: 'sim' }, pino.destination(2));
  const sim = await runSim(opts, { log });
  onShutdown(log, () => sim.stop());
}
