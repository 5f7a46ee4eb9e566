// The central broker under attack (issue 12): the broker runs in a child process of its own (its RSS is its own),
// 10 simulated stations publish 8-dock telemetry at the station's real rate (1 Hz each) and wait for their acks;
// then 1,000 idle unauthenticated TCP connections are held open (re-opened as the connect timeout closes them)
// and a flood of wrong logins runs over HTTP and MQTT CONNECT. Reported: the broker's RSS before, at its peak
// during and after the attack, and the stations' stored messages per second and ack latency without and with it.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { percentile, type Benchmark } from './benchmark.ts';
import { docksJson } from './ingest.bench.ts';

const SELF = fileURLToPath(import.meta.url);
const STATIONS = 10;
/** The station's default telemetryIntervalMs. */
const STATION_PERIOD_MS = 1000;
const IDLE = 1000;
/** Source addresses for the idle sockets: 25 each, under the broker's default cap of 32 per address. */
const IDLE_ADDRESSES = 40;
const FLOOD_HTTP = 24;
const FLOOD_MQTT = 24;
const WARMUP_MS = 3000;
const PHASE_MS = 10_000;
const SETTLE_MS = 5000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Ready {
  mqttPort: number;
  httpPort: number;
  stations: Array<{ id: string; password: string }>;
}

// ---- the broker (child process) ----------------------------------------------------------------------------

async function runBroker(): Promise<void> {
  const { startCentral } = await import('../broker/central.ts');
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-bench-load-'));
  // Default limits, as a real broker runs; warnings (one per refused login) would flood the terminal.
  const central = await startCentral({
    dataDir: dir,
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: pino({ level: 'error' }, pino.destination(2)),
  });
  const stations = Array.from({ length: STATIONS }, (_, i) => {
    const id = `load-${String(i + 1).padStart(2, '0')}`;
    return { id, password: central.addStation(id) };
  });
  process.once('SIGTERM', () => {
    void central.close().then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
  const ready: Ready = { mqttPort: central.mqttPort ?? 0, httpPort: central.httpPort, stations };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

if (process.argv[1] === SELF && process.argv[2] === '--broker') await runBroker();

// ---- the stations, the attacker and the figures ------------------------------------------------------------

/** Publishes 1 Hz telemetry per station and records, per message, the time until the ack covered it. */
async function startStations(port: number, list: Ready['stations']) {
  const latencies: number[] = [];
  const clients: MqttClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  for (const [i, s] of list.entries()) {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: s.id,
      username: s.id,
      password: s.password,
      protocolVersion: 4,
      reconnectPeriod: 1000,
    });
    clients.push(c);
    const sent = new Map<number, number>();
    c.on('message', (_topic, payload) => {
      const ack = (JSON.parse(payload.toString()) as { seq: number }).seq;
      const now = performance.now();
      for (const [seq, at] of sent) {
        if (seq > ack) continue;
        latencies.push(now - at);
        sent.delete(seq);
      }
    });
    await c.subscribeAsync(`rikscha/v1/${s.id}/ack`, { qos: 1 });
    let seq = 0;
    const publish = (): void => {
      seq += 1;
      sent.set(seq, performance.now());
      const body = `{"stationId":"${s.id}","ts":${Date.now()},"seq":${seq},"docks":${docksJson(i, seq)}}`;
      c.publish(`rikscha/v1/${s.id}/telemetry`, body, { qos: 1 });
    };
    // Spread over the second, as independent stations are.
    timers.push(setTimeout(() => timers.push(setInterval(publish, STATION_PERIOD_MS)), (i * 97) % 1000));
  }
  return {
    latencies,
    async stop(): Promise<void> {
      for (const t of timers) clearTimeout(t);
      await Promise.all(clients.map((c) => c.endAsync(true)));
    },
  };
}

/** Holds `IDLE` TCP connections that never send a byte, re-opening each one the broker closes. */
function holdIdle(port: number) {
  let stopped = false;
  let open = 0;
  const sockets = new Set<Socket>();
  const one = (address: string): void => {
    const s = netConnect({ port, host: '127.0.0.1', localAddress: address });
    sockets.add(s);
    let connected = false;
    s.on('connect', () => {
      connected = true;
      open += 1;
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      sockets.delete(s);
      if (connected) open -= 1;
      if (!stopped) setTimeout(() => one(address), 200);
    });
  };
  for (let k = 0; k < IDLE; k++) one(`127.0.0.${2 + (k % IDLE_ADDRESSES)}`);
  return {
    open: () => open,
    stop(): void {
      stopped = true;
      for (const s of sockets) s.destroy();
    },
  };
}

const str = (s: string): Buffer => {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);
};

/** One MQTT 3.1.1 CONNECT with a wrong password; resolves with the CONNACK code (-1: closed without one). */
function mqttGuess(port: number, address: string, user: string): Promise<number> {
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, 0, 60]), str(user), str(user), str('wrong')]);
  return new Promise((resolve) => {
    const s = netConnect({ port, host: '127.0.0.1', localAddress: address }, () =>
      s.write(Buffer.concat([Buffer.from([0x10, body.length]), body])),
    );
    s.on('data', (d: Buffer) => {
      resolve(d[0] === 0x20 ? (d[3] ?? -1) : -1);
      s.destroy();
    });
    s.on('error', () => resolve(-1));
    s.on('close', () => resolve(-1));
  });
}

/** Wrong logins as fast as the broker answers them: HTTP from 127.0.0.1, MQTT from 127.0.1.x. */
function flood(httpPort: number, mqttPort: number) {
  let stopped = false;
  let n = 0;
  const answers = new Map<string, number>();
  const count = (k: string): void => void answers.set(k, (answers.get(k) ?? 0) + 1);
  const http = async (): Promise<void> => {
    while (!stopped) {
      const res = await fetch(`http://127.0.0.1:${httpPort}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `guess-${n++}`, password: 'wrong' }),
      }).catch(() => null);
      await res?.arrayBuffer();
      count(`http ${res?.status ?? 'error'}`);
    }
  };
  const mq = async (j: number): Promise<void> => {
    while (!stopped) count(`mqtt ${await mqttGuess(mqttPort, `127.0.1.${1 + j}`, `guess-${n++}`)}`);
  };
  const loops = [
    ...Array.from({ length: FLOOD_HTTP }, () => http()),
    ...Array.from({ length: FLOOD_MQTT }, (_, j) => mq(j)),
  ];
  return {
    answers,
    async stop(): Promise<void> {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function metric(httpPort: number, line: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  return Number(line.exec(text)?.[1] ?? NaN);
}
const STORED = /^rikscha_messages_ingested_total\{kind="telemetry"\} (\d+)$/m;
const OPEN = /^rikscha_mqtt_connections_open (\d+)$/m;

/** Messages stored per second and the ack latencies (p50, p95) over one phase; `during` runs every 250 ms. */
async function phase(httpPort: number, latencies: number[], during: () => void = () => undefined) {
  const from = latencies.length;
  const n0 = await metric(httpPort, STORED);
  const t0 = performance.now();
  const tick = setInterval(during, 250);
  await sleep(PHASE_MS);
  clearInterval(tick);
  const n1 = await metric(httpPort, STORED);
  const rate = ((n1 - n0) * 1000) / (performance.now() - t0);
  const lat = latencies.slice(from);
  return { rate, p50: percentile(lat, 50), p95: percentile(lat, 95) };
}

async function startBroker(): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--broker'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) resolve(JSON.parse(text.slice(0, text.indexOf('\n'))) as Ready);
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${String(code)} before it was ready`)));
  });
  return { child, ready };
}

async function measure() {
  const { child, ready } = await startBroker();
  const pid = child.pid ?? 0;
  const stations = await startStations(ready.mqttPort, ready.stations);
  try {
    await sleep(WARMUP_MS);
    const rssBefore = rssMb(pid);
    const baseline = await phase(ready.httpPort, stations.latencies);
    const idle = holdIdle(ready.mqttPort);
    const attackers = flood(ready.httpPort, ready.mqttPort);
    let rssPeak = rssBefore;
    let idlePeak = 0;
    let brokerOpenPeak = 0;
    const attack = await phase(ready.httpPort, stations.latencies, () => {
      rssPeak = Math.max(rssPeak, rssMb(pid));
      idlePeak = Math.max(idlePeak, idle.open());
      void metric(ready.httpPort, OPEN).then((n) => (brokerOpenPeak = Math.max(brokerOpenPeak, n)));
    });
    await attackers.stop();
    idle.stop();
    await sleep(SETTLE_MS);
    const rssAfter = rssMb(pid);
    const answered = [...attackers.answers.values()].reduce((a, b) => a + b, 0);
    process.stderr.write(
      `  broker RSS ${rssBefore.toFixed(0)} MB before, ${rssPeak.toFixed(0)} MB peak under attack, ` +
        `${rssAfter.toFixed(0)} MB ${SETTLE_MS / 1000} s after\n` +
        `  stations: ${baseline.rate.toFixed(2)} msg/s stored, ack p50/p95 ${baseline.p50.toFixed(0)}/` +
        `${baseline.p95.toFixed(0)} ms; under attack ${attack.rate.toFixed(2)} msg/s, ` +
        `${attack.p50.toFixed(0)}/${attack.p95.toFixed(0)} ms\n` +
        `  attack: up to ${idlePeak} idle sockets held (the broker counted up to ${brokerOpenPeak} MQTT ` +
        `connections open; its connect timeout closes an idle one after 10 s and the attacker re-opens it), ` +
        `${(answered / (PHASE_MS / 1000)).toFixed(0)} wrong logins answered/s: ` +
        `${JSON.stringify(Object.fromEntries(attackers.answers))}\n`,
    );
    return { rssBefore, rssPeak, rssAfter, baseline, attack, idlePeak };
  } finally {
    await stations.stop();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

let result: ReturnType<typeof measure> | null = null;
const figures = (): ReturnType<typeof measure> => (result ??= measure());

export const benchmarks: Benchmark[] = [
  {
    name: 'broker-load rss before',
    unit: 'MB',
    target: 300,
    better: 'lower',
    run: async () => (await figures()).rssBefore,
  },
  {
    name: 'broker-load rss peak under attack',
    unit: 'MB',
    target: 300,
    better: 'lower',
    run: async () => (await figures()).rssPeak,
  },
  {
    name: 'broker-load rss after',
    unit: 'MB',
    target: 300,
    better: 'lower',
    run: async () => (await figures()).rssAfter,
  },
  {
    name: 'broker-load idle sockets held',
    unit: 'sockets',
    target: 1000,
    better: 'higher',
    run: async () => (await figures()).idlePeak,
  },
  {
    name: 'broker-load stored rate no attack',
    unit: 'msg/s',
    target: 9.5,
    better: 'higher',
    run: async () => (await figures()).baseline.rate,
  },
  {
    name: 'broker-load stored rate under attack',
    unit: 'msg/s',
    target: 9.5,
    better: 'higher',
    run: async () => (await figures()).attack.rate,
  },
  {
    name: 'broker-load ack p95 no attack',
    unit: 'ms',
    target: 1000,
    better: 'lower',
    run: async () => (await figures()).baseline.p95,
  },
  {
    name: 'broker-load ack p95 under attack',
    unit: 'ms',
    target: 1000,
    better: 'lower',
    run: async () => (await figures()).attack.p95,
  },
];
