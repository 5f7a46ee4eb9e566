// Central ingestion throughput (issue 6, issue 10): 50 simulated stations (8 docks each, realistic telemetry)
// publish QoS 1 as fast as they can over real MQTT connections; measured is what the central side stores in SQLite
// per second, beside the rate of the same clients against a bare Aedes in this same process (no auth hooks, ACL,
// validation or ingestion: what Aedes itself costs), their ratio, and the same clients against Mosquitto.
// Both brokers run in this process and the clients in a child process of their own (this file with --load), measured
// over the same window; each round also prints the CPU per message of the broker's thread, of the whole broker
// process (with the write worker) and of the clients. `--profile embedded|bare` runs one measurement (for --cpu-prof).

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import pino from 'pino';
import type { Benchmark } from './benchmark.ts';

const STATIONS = 50;
const DOCKS = 8;
const WARMUP_MS = 3000;
const MEASURE_MS = 8000;
/** Embedded and bare Aedes alternate this many times each; each figure is the median of its rounds. */
const ROUNDS = 3;
/** QoS 1 publishes a client keeps in flight: "as fast as it can" without an unbounded queue in the client. */
const WINDOW = 64;
const SELF = fileURLToPath(import.meta.url);

interface LoadSpec {
  url: string;
  stations: Array<{ id: string; password: string }>;
  durationMs: number;
}

/** A station's telemetry as the real station sends it: 8 docks, 13-cell packs, charger readings. */
export function docksJson(station: number, variant: number): string {
  const docks = Array.from({ length: DOCKS }, (_, i) => {
    const soc = 10 + ((station * 7 + i * 11 + variant) % 85);
    const cellsV = Array.from(
      { length: 13 },
      (_, c) => Math.round((3.55 + soc * 0.0065 + ((c * 3 + variant) % 7) * 0.002) * 1000) / 1000,
    );
    const charging = (i + variant) % 3 !== 0;
    return {
      dock: i + 1,
      state: charging ? 'charging' : 'idle',
      battery: {
        id: `RIK-13S-${String(station * 100 + i).padStart(5, '0')}`,
        socPct: soc + 0.4,
        voltageV: Math.round(cellsV.reduce((a, b) => a + b, 0) * 100) / 100,
        currentA: charging ? 3.97 : 0,
        cellsV,
        tempsC: [24.5 + (i % 4), 25.1 + (variant % 3), 24.8],
        cycles: 100 + station + i * 13,
        protection: [],
        remainingAh: Math.round(14 * soc) / 100,
        nominalAh: 14,
        chargeFetOn: true,
      },
      charger: {
        online: true,
        outputOn: charging,
        voltageV: charging ? 54.6 : 0,
        currentA: charging ? 3.97 : 0,
        setCurrentA: charging ? 4 : 0,
      },
    };
  });
  return JSON.stringify(docks);
}

/** MQTT 3.1.1 remaining-length varint. */
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

const str = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
};

function connectPacket(clientId: string, username: string, password: string): Buffer {
  // Protocol "MQTT" level 4, flags: username + password + clean session, keepalive 60 s.
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, 0, 60]), str(clientId), str(username), str(password)]);
  return Buffer.concat([Buffer.from([0x10]), varint(body.length), body]);
}

/** A QoS 1 PUBLISH whose payload is `head` + the pre-encoded `docks` + '}': the client copies bytes, no JSON work. */
function publishPacket(topic: Buffer, packetId: number, head: string, docks: Buffer): Buffer {
  const headLen = Buffer.byteLength(head);
  const len = topic.length + 2 + headLen + docks.length + 1;
  const lenBytes = varint(len);
  const out = Buffer.allocUnsafe(1 + lenBytes.length + len);
  let o = 0;
  out[o++] = 0x32;
  o += lenBytes.copy(out, o);
  o += topic.copy(out, o);
  out[o++] = packetId >> 8;
  out[o++] = packetId & 0xff;
  o += out.write(head, o, 'latin1');
  o += docks.copy(out, o);
  out[o] = 0x7d;
  return out;
}

/**
 * Child process: one real MQTT 3.1.1 TCP connection per station, QoS 1 publishes with WINDOW in flight, PUBACKs
 * counted. The packets are written by hand rather than by MQTT.js on purpose: MQTT.js costs ~80 µs of client CPU
 * per publish, so one client process would cap any broker near 12k/s on this 2-core machine and the benchmark
 * would measure the clients. Same bytes on the wire as the station sends.
 */
async function runLoad(spec: LoadSpec): Promise<void> {
  let acked = 0;
  let connected = 0;
  const variants = spec.stations.map((_, s) => Array.from({ length: 4 }, (__, v) => Buffer.from(docksJson(s, v))));
  const startedAt = Date.now();
  const starts: Array<() => void> = [];
  await Promise.all(
    spec.stations.map(
      ({ id, password }, s) =>
        new Promise<void>((resolve, reject) => {
          const url = new URL(spec.url);
          const sock = netConnect(Number(url.port), url.hostname);
          sock.setNoDelay(true);
          const topic = str(`rikscha/v1/${id}/telemetry`);
          const docks = variants[s] ?? [];
          let seq = 0;
          let inflight = 0;
          let buf: Buffer = Buffer.alloc(0);
          const fill = (): void => {
            const out: Buffer[] = [];
            while (inflight < WINDOW) {
              seq += 1;
              inflight += 1;
              const head = `{"stationId":"${id}","ts":${Date.now()},"seq":${seq},"docks":`;
              out.push(publishPacket(topic, (seq % 65535) + 1, head, docks[seq % docks.length] ?? Buffer.from('[]')));
            }
            if (out.length) sock.write(Buffer.concat(out));
          };
          sock.on('connect', () => sock.write(connectPacket(id, id, password)));
          sock.on('error', reject);
          sock.on('data', (d: Buffer) => {
            buf = buf.length ? Buffer.concat([buf, d]) : d;
            let i = 0;
            // Only CONNACK (0x20) and PUBACK (0x40) come back, both 4 bytes: the station subscribes to nothing here.
            while (buf.length - i >= 4) {
              const type = buf[i] ?? 0;
              if (type === 0x20) {
                if (buf[i + 3] !== 0) reject(new Error(`${id}: CONNACK ${String(buf[i + 3])}`));
                connected += 1;
                starts.push(fill);
                resolve();
              } else if (type === 0x40) {
                inflight -= 1;
                acked += 1;
              } else {
                reject(new Error(`${id}: unexpected packet type 0x${type.toString(16)}`));
              }
              i += 4;
            }
            buf = buf.subarray(i);
            if (connected === spec.stations.length && starts.length === 0) fill();
          });
        }),
    ),
  );
  process.stdout.write(`${JSON.stringify({ connected })}\n`);
  const cpu0 = process.cpuUsage();
  const cpuUs = (): number => {
    const c = process.cpuUsage(cpu0);
    return c.user + c.system;
  };
  setInterval(
    () => process.stdout.write(`${JSON.stringify({ t: Date.now() - startedAt, acked, cpu: cpuUs() })}\n`),
    250,
  );
  // The run ends by the clock: the parent measures a window inside it.
  setTimeout(() => {
    process.exit(0);
  }, spec.durationMs);
  for (const f of starts.splice(0)) f();
}

if (process.argv[1] === SELF && process.argv[2] === '--load') {
  await runLoad(JSON.parse(process.argv[3] ?? '{}') as LoadSpec);
}

/** A progress line of the load child: PUBACKs so far and its CPU time (µs) since start. */
interface LoadSample {
  t: number;
  acked: number;
  cpu: number;
}

/** Starts the load child; `onProgress` sees its progress lines; `done` resolves when it has run its duration. */
function startLoad(
  spec: LoadSpec,
  onProgress: (s: LoadSample) => void,
): { connected: Promise<void>; done: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--load', JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let partial = '';
  let onConnected: () => void = () => undefined;
  const connected = new Promise<void>((r) => (onConnected = r));
  child.stdout.on('data', (d: Buffer) => {
    partial += d.toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      const m = JSON.parse(l) as Partial<LoadSample> & { connected?: number };
      if (m.connected !== undefined) onConnected();
      if (m.acked !== undefined && m.t !== undefined && m.cpu !== undefined)
        onProgress({ t: m.t, acked: m.acked, cpu: m.cpu });
    }
  });
  const done = new Promise<void>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`load clients exited with ${String(code)}`)),
    ),
  );
  return { connected, done };
}

/** One measurement: the rate, and CPU per message (µs) of the broker's threads and of the clients. */
export interface Measured {
  rate: number;
  /** The thread Aedes and our hooks run on. */
  brokerThreadUs: number;
  /** The busiest other thread of the process (the write worker when there is one). */
  workerUs: number;
  /** The whole broker process: every thread (the two above, GC helpers, libuv's pool). */
  processUs: number;
  clientsUs: number;
  /** Each thread of the process that used CPU in the window, µs per message, busiest first (main thread first). */
  threadsUs: number[];
}

/**
 * CPU time (µs) of each thread of this process by thread id, from /proc (Linux; node 20 has no per-thread CPU
 * call). Without /proc: the whole process under the main thread's id.
 */
function threadCpu(): Map<number, number> {
  const out = new Map<number, number>();
  if (!existsSync('/proc/self/task')) {
    const c = process.cpuUsage();
    return out.set(process.pid, c.user + c.system);
  }
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime (fields 14 and 15 of stat) in clock ticks of 10 ms.
      out.set(Number(tid), (Number(f[11]) + Number(f[12])) * 10_000);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/**
 * Runs the clients against `url` and measures over the same window for either broker: after WARMUP_MS from the
 * moment all are connected, for MEASURE_MS by this process's clock. `count` is what is measured (stored messages,
 * or the PUBACKs the clients report when null). CPU per thread of this process from /proc, the clients' from their
 * progress lines.
 */
async function measureAt(url: string, stations: LoadSpec['stations'], count: (() => number) | null): Promise<Measured> {
  let last: LoadSample = { t: 0, acked: 0, cpu: 0 };
  const load = startLoad({ url, stations, durationMs: WARMUP_MS + MEASURE_MS + 1500 }, (s) => (last = s));
  await load.connected;
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const snap = () => ({
    n: count ? count() : last.acked,
    client: last,
    t: performance.now(),
    cpu: process.cpuUsage(),
    threads: threadCpu(),
  });
  const s0 = snap();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const s1 = snap();
  await load.done;
  const n = s1.n - s0.n;
  if (n <= 0) throw new Error(`nothing measured at ${url}`);
  const cpu = process.cpuUsage(s0.cpu);
  const used = [...s1.threads].map(([tid, us]) => [tid, us - (s0.threads.get(tid) ?? 0)] as const);
  const main = used.find(([tid]) => tid === process.pid)?.[1] ?? 0;
  const other = Math.max(0, ...used.filter(([tid]) => tid !== process.pid).map(([, us]) => us));
  return {
    rate: (n * 1000) / (s1.t - s0.t),
    brokerThreadUs: main / n,
    workerUs: other / n,
    processUs: (cpu.user + cpu.system) / n,
    // The clients' samples are 250 ms apart: their CPU per acked message over the samples nearest the window.
    clientsUs: (s1.client.cpu - s0.client.cpu) / Math.max(1, s1.client.acked - s0.client.acked),
    threadsUs: [
      main / n,
      ...used
        .filter(([tid, us]) => tid !== process.pid && us > 0)
        .map(([, us]) => us / n)
        .sort((a, b) => b - a),
    ],
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const stationIds = Array.from({ length: STATIONS }, (_, i) => `bench-${String(i + 1).padStart(2, '0')}`);

/** Messages per second stored by the embedded broker's ingester in SQLite, at steady state (after a warm-up). */
export async function measureEmbedded(): Promise<Measured> {
  const { startCentral } = await import('../broker/central.ts');
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-bench-ingest-'));
  const central = await startCentral({
    dataDir: dir,
    mqtt: { host: '127.0.0.1', port: 0 },
    mqttLimits: { maxConnectionsPerAddress: 1000 }, // every bench station connects from 127.0.0.1
    http: { host: '127.0.0.1', port: 0 },
    logger: pino({ level: 'warn' }),
  });
  try {
    const stations = stationIds.map((id) => ({ id, password: central.addStation(id) }));
    const stored = (): number => central.metrics.get('rikscha_messages_ingested_total', { kind: 'telemetry' });
    return await measureAt(`mqtt://127.0.0.1:${central.mqttPort}`, stations, stored);
  } finally {
    await central.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PUBACKs per second in a window of the load child's progress samples (for a broker in another process). */
function ackRate(samples: ReadonlyArray<{ t: number; acked: number }>, what: string): number {
  const from = samples.find((x) => x.t >= WARMUP_MS);
  const to = [...samples].reverse().find((x) => x.t <= WARMUP_MS + MEASURE_MS);
  if (!from || !to || to.t <= from.t) throw new Error(`${what} run too short to measure`);
  return ((to.acked - from.acked) * 1000) / (to.t - from.t);
}

/**
 * PUBACKs per second the same clients get from a bare Aedes in this process, like the embedded one: plain TCP, a
 * password check at CONNECT and nothing else (no ACL, no payload validation, no ingestion, no persistence beyond
 * Aedes's default in-memory one). What is left between this and the embedded rate is ours.
 */
export async function measureBareAedes(): Promise<Measured> {
  const stations = stationIds.map((id) => ({ id, password: `pw-${id}` }));
  const passwords = new Map(stations.map((s) => [s.id, s.password]));
  const aedes = await Aedes.createBroker({
    authenticate: (_client, username, password, done) =>
      done(null, username !== undefined && passwords.get(username) === password?.toString()),
  });
  const tcp: NetServer = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const address = tcp.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    return await measureAt(`mqtt://127.0.0.1:${port}`, stations, null);
  } finally {
    await new Promise<void>((r) => aedes.close(() => r()));
    await new Promise<void>((r) => tcp.close(() => r()));
  }
}

/** PUBACKs per second the same clients get from Mosquitto (no persistence, password file), nothing ingesting. */
async function measureMosquitto(): Promise<number> {
  const bin = spawnSync('sh', ['-c', 'command -v mosquitto || ls /usr/sbin/mosquitto'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')[0];
  if (!bin) throw new Error('mosquitto is missing: this benchmark needs the Debian package mosquitto');
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-bench-mosq-'));
  chmodSync(dir, 0o755);
  const stations = stationIds.map((id) => ({ id, password: `pw-${id}` }));
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, stations.map((s) => `${s.id}:${s.password}\n`).join(''));
  // -U hashes a plain user:password file in place.
  const hashed = spawnSync('mosquitto_passwd', ['-U', passwd], { encoding: 'utf8' });
  if (hashed.status !== 0) throw new Error(`mosquitto_passwd -U failed: ${hashed.stderr}`);
  chmodSync(passwd, 0o644);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwd}`,
      'persistence false',
      'max_inflight_messages 0',
      'log_dest none',
      '',
    ].join('\n'),
  );
  const broker = spawn(bin, ['-c', conf], { stdio: 'ignore' });
  try {
    for (let i = 0; ; i++) {
      const ok = await mqtt
        .connectAsync(`mqtt://127.0.0.1:${port}`, {
          protocolVersion: 4,
          username: stations[0]?.id,
          password: stations[0]?.password,
          reconnectPeriod: 0,
          connectTimeout: 500,
        })
        .then((c) => c.endAsync().then(() => true))
        .catch(() => false);
      if (ok) break;
      if (i > 100) throw new Error('mosquitto did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const samples: LoadSample[] = [];
    const load = startLoad(
      { url: `mqtt://127.0.0.1:${port}`, stations, durationMs: WARMUP_MS + MEASURE_MS + 1000 },
      (x) => samples.push(x),
    );
    await load.connected;
    await load.done;
    return ackRate(samples, 'mosquitto');
  } finally {
    broker.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const fmt = (m: Measured): string =>
  `${Math.round(m.rate)} msg/s (CPU µs per message: broker thread ${m.brokerThreadUs.toFixed(1)}, ` +
  `busiest other thread ${m.workerUs.toFixed(1)}, whole process ${m.processUs.toFixed(1)}, ` +
  `clients ${m.clientsUs.toFixed(1)})`;

/**
 * Stored rate and bare-Aedes rate from the same run, alternating (bare, embedded, bare, ...) so that a machine
 * getting busier or quieter meanwhile weighs on both alike. Runs once per invocation; the three figures share it.
 * The ratio is the median of the rounds' ratios (each round's two figures are measured a few seconds apart).
 */
let paired: Promise<{ stored: number; bare: number; ratio: number }> | null = null;
const pairedRates = (): Promise<{ stored: number; bare: number; ratio: number }> =>
  (paired ??= (async () => {
    const stored: number[] = [];
    const bare: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const b = await measureBareAedes();
      const e = await measureEmbedded();
      bare.push(b.rate);
      stored.push(e.rate);
      ratios.push(e.rate / b.rate);
      process.stderr.write(
        `  round ${round + 1}: stored ${fmt(e)}\n           bare Aedes ${fmt(b)}; ratio ${(e.rate / b.rate).toFixed(2)}\n`,
      );
    }
    return { stored: median(stored), bare: median(bare), ratio: median(ratios) };
  })());

export const benchmarks: Benchmark[] = [
  {
    name: 'ingest: 50 stations x 8 docks, embedded broker into SQLite',
    unit: 'msg/s',
    target: 20_000,
    better: 'higher',
    run: async () => (await pairedRates()).stored,
  },
  {
    name: 'ingest: same 50 clients against bare Aedes, no ingestion',
    unit: 'msg/s',
    target: 20_000,
    better: 'higher',
    run: async () => (await pairedRates()).bare,
  },
  {
    name: 'ingest: stored rate / bare Aedes rate',
    unit: 'ratio',
    target: 0.8,
    better: 'higher',
    run: async () => (await pairedRates()).ratio,
  },
  {
    name: 'ingest: same 50 clients against mosquitto, no ingestion',
    unit: 'msg/s',
    target: 20_000,
    better: 'higher',
    run: measureMosquitto,
  },
];

if (process.argv[1] === SELF && process.argv[2] === '--profile') {
  // One measurement alone, e.g. `node --cpu-prof --import tsx bench/ingest.bench.ts --profile embedded`.
  const m = process.argv[3] === 'bare' ? await measureBareAedes() : await measureEmbedded();
  process.stderr.write(`${process.argv[3] ?? 'embedded'}: ${fmt(m)}\n`);
  process.stderr.write(`  CPU µs per message by thread: ${m.threadsUs.map((us) => us.toFixed(1)).join(', ')}\n`);
}
