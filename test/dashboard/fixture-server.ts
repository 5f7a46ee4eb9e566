// A stand-in for the broker's HTTP server, for the dashboard's page tests: serves dashboard/ as static files and
// answers the API paths from fixture data that a test can change between polls (and make fail on purpose).
// Every answer is typed by the HTTP contract the broker builds its answers with (contract/http-api.ts,
// contract/sim-api.ts), so the fixture cannot drift from the real API; login and station commands follow the
// broker's rules (cookie `rikscha_session`, JSON-only POSTs).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { workRecordBodySchema, type WorkRecord } from '../../contract/battery-health.ts';
import { attentionItems } from '../../broker/http/attention.ts';
import { FAULT_CODES, faultCodeFor } from '../../contract/fault-codes.ts';
import {
  HISTORY_RESOLUTIONS,
  type ApiErrorAnswer,
  type AttentionList,
  type BatteryHistory,
  type BatteryList,
  type BatteryPoint,
  type BatteryView,
  type CommandAnswer,
  type FaultCodeTable,
  type HistoryResolution,
  type LoginAnswer,
  type SessionAnswer,
  type StationList,
  type StationView,
} from '../../contract/http-api.ts';
import type { BatteryTelemetry, ChargerTelemetry } from '../../contract/messages.ts';
import { passportFor } from './passport-fixture.ts';
import { SIM_FAULT_NAMES, type SimActiveFault, type SimFaultName, type SimState } from '../../contract/sim-api.ts';

export const DASHBOARD_DIR = resolve(fileURLToPath(new URL('../../dashboard/', import.meta.url)));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A station as GET /api/stations lists it. */
export type StationItem = StationView;

export interface Recorded {
  method: string;
  url: string;
  body: unknown;
}

/** One request to POST /api/stations/<id>/commands/<name>, as it arrived (also the refused ones). */
export interface CommandRequest {
  method: string;
  url: string;
  contentType: string | undefined;
  body: unknown;
}

/** The accounts the fake knows: one mechanic, and a viewer whom the broker turns away (403). */
export const USERS: Record<string, { password: string; role: LoginAnswer['role'] }> = {
  mechanic: { password: 'pw-mechanic', role: 'mechanic' },
  viewer: { password: 'pw-viewer', role: 'viewer' },
};
export const SESSION_COOKIE = 'rikscha_session';
/** What the station says when asked to acknowledge a fault that is still there. */
export const STILL_FAULTY = 'dock 3: fault still present (over-temperature 58.5 °C)';

export interface Fixture {
  stations: StationItem[];
  /** When true every /api/ path answers 503, as a broker in trouble would. */
  failApi: boolean;
  /** When false /api/sim answers 404, as a production broker without a simulator does. */
  simEnabled: boolean;
  simFaults: SimActiveFault[];
  /** What GET /api/sim offers as injectable faults (the real simulator lists all of SIM_FAULT_NAMES). */
  simFaultNames: SimFaultName[];
  /** Every POST and DELETE the page sent, in order. */
  actions: Recorded[];
  stationPolls: number;
  /** Open sessions: cookie value -> user name. */
  sessions: Map<string, string>;
  /** Every command request, in order, whatever the answer was. */
  commands: CommandRequest[];
  /** When true, acknowledge answers 422 like a station whose fault is still present (dock 3 is still hot). */
  faultPresent: boolean;
  /** When set, command answers wait for it: a test can look at the page while a command is running. */
  commandGate: Promise<void> | null;
  /** The query of every GET /api/batteries/<id>/history, in order. */
  historyQueries: Record<string, string>[];
  /** What GET /api/batteries lists; null: the batteries in the stations' docks, as batteryDetail builds them. */
  batteries: BatteryView[] | null;
  /** Work records added through POST /api/batteries/<id>/work-records, shown in that pack's passport. */
  workRecords: WorkRecord[];
  /** Samples left out of every history answer (a station offline), as ages before now in ms; null for none. */
  historyGap: { fromAgoMs: number; toAgoMs: number } | null;
}

function battery(
  id: string,
  socPct: number,
  voltageV: number,
  currentA: number,
  tempsC: number[],
  cellsV: number[],
): BatteryTelemetry {
  return { id, socPct, voltageV, currentA, cellsV, tempsC, cycles: 212, protection: [] };
}

const charger = (outputOn: boolean, currentA: number, setCurrentA: number): ChargerTelemetry => ({
  online: true,
  outputOn,
  voltageV: outputOn ? 54.6 : 0,
  currentA,
  setCurrentA,
});

/** One station, four docks: charging, full, fault (quarantined), empty. */
export function demoStations(): StationItem[] {
  const cells13 = (base: number) =>
    Array.from({ length: 13 }, (_, i) => base + (i === 6 ? 0.012 : 0) - (i === 2 ? 0.004 : 0));
  return [
    {
      stationId: 'demo-1',
      online: true,
      lastSeen: Date.now(),
      lastSeq: 1200,
      ackSeq: 1197,
      missingSeqs: 3,
      rejectedSeqs: 0,
      status: { online: true, ts: Date.now() - 60_000, receivedAt: Date.now() - 60_000, version: '0.1.0' },
      telemetryTs: Date.now(),
      docks: [
        {
          dock: 1,
          state: 'charging',
          battery: battery('B-0041', 63, 51.8, 4.8, [28, 31.5], cells13(3.98)),
          charger: charger(true, 4.8, 5),
        },
        {
          dock: 2,
          state: 'full',
          battery: battery('B-0042', 100, 54.5, 0, [24, 25], cells13(4.19)),
          charger: charger(false, 0, 0),
        },
        {
          dock: 3,
          state: 'fault',
          reason: 'over-temperature',
          code: faultCodeFor('interlock:temperature-high').code,
          doNotDispatch: true,
          battery: {
            ...battery('B-0043', 41, 49.9, 0, [58.5, 44], cells13(3.84)),
            protection: ['charge-over-temperature'],
          },
          charger: charger(false, 0, 0),
        },
        { dock: 4, state: 'empty', battery: null, charger: charger(false, 0, 0) },
      ],
    },
  ];
}

export function newFixture(): Fixture {
  return {
    stations: demoStations(),
    failApi: false,
    simEnabled: true,
    simFaults: [],
    simFaultNames: [...SIM_FAULT_NAMES],
    actions: [],
    stationPolls: 0,
    sessions: new Map(),
    commands: [],
    faultPresent: true,
    commandGate: null,
    historyQueries: [],
    batteries: null,
    workRecords: [],
    historyGap: null,
  };
}

/**
 * A battery as GET /api/batteries/<id> answers: the latest reading under `latest` (from the dock it sits in, so
 * page and overview agree), the health summary under `health`. Resistance not estimated yet and cell spread
 * unknown (null): the page must show "—" for both.
 */
function batteryDetail(fx: Fixture, id: string): BatteryView {
  for (const station of fx.stations) {
    for (const dock of station.docks) {
      if (dock.battery?.id !== id) continue;
      return {
        batteryId: id,
        stationId: station.stationId,
        dock: dock.dock,
        ts: station.telemetryTs ?? Date.now(),
        latest: dock.battery,
        health: {
          stateOfHealthPct: 91.5,
          cycles: dock.battery.cycles,
          cellSpreadMv: null,
          maxTempC: 33.5,
          maxTempEverC: 38,
          internalResistanceMOhm: null,
          alerts: [
            { code: 'cell-imbalance', origin: 'reading', severity: 'warning', value: 62, message: 'cell spread 62 mV' },
          ],
        },
      };
    }
  }
  // A battery away from every dock: its last reading is still known.
  return {
    batteryId: id,
    stationId: 'demo-1',
    dock: 1,
    ts: Date.now() - 3_600_000,
    latest: battery(id, 55, 50.2, 0, [21], [3.86, 3.87]),
    health: {
      stateOfHealthPct: null,
      cycles: 212,
      cellSpreadMv: 10,
      maxTempC: 21,
      maxTempEverC: 30,
      internalResistanceMOhm: null,
      alerts: [],
    },
  };
}

const STEP_MS: Record<HistoryResolution, number> = {
  '5s': 5_000,
  '1m': 60_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};
/** How far back each table reaches, as in the broker; the minute of grace covers the page's clock running ahead. */
const KEPT_MS: [HistoryResolution, number][] = [
  ['5s', 7 * 86_400_000 + 60_000],
  ['1m', 30 * 86_400_000 + 60_000],
];

/**
 * Like the broker: without `from` the newest 5-s samples (61 of them); with `from` and resolution auto the finest
 * table that reaches back to `from`, at most `limit` points (default 500) ending now. Down-sampled points carry
 * their bucket's count and extremes.
 */
function batteryHistory(id: string, query: URLSearchParams): BatteryHistory {
  const now = Date.now();
  const from = query.has('from') ? Number(query.get('from')) : null;
  const asked = query.get('resolution') ?? 'auto';
  const resolution: HistoryResolution = isResolution(asked)
    ? asked
    : from === null
      ? '5s'
      : (KEPT_MS.find(([, kept]) => now - from <= kept)?.[0] ?? '15m');
  const step = STEP_MS[resolution];
  const limit = Number(query.get('limit') ?? 500);
  const count = from === null ? 61 : Math.max(0, Math.min(limit, Math.floor((now - from) / step) + 1));
  const t0 = now - (count - 1) * step;
  const points = Array.from({ length: count }, (_, i): BatteryPoint => {
    const k = count > 1 ? (i * 60) / (count - 1) : 60; // the same curve whatever the count, ending at 51,6 V
    const point: BatteryPoint = {
      ts: t0 + i * step,
      stationId: 'demo-1',
      dock: 1,
      voltageV: 48 + k * 0.06,
      currentA: k < 50 ? 5 : 1,
      socPct: 20 + k,
      cellMinV: 3.9,
      cellMaxV: 3.92,
      cycles: 212,
      tempMaxC: i % 10 === 5 ? null : 25 + k / 10,
    };
    return resolution === '5s'
      ? point
      : {
          ...point,
          n: step / 5_000,
          socMinPct: point.socPct - 1,
          socMaxPct: point.socPct + 1,
          currentMinA: 0,
          currentMaxA: 5,
        };
  });
  return { batteryId: id, from: points[0]?.ts ?? from ?? now, to: now, resolution, points };
}

function isResolution(text: string): text is HistoryResolution {
  return (HISTORY_RESOLUTIONS as readonly string[]).includes(text);
}

function simState(fx: Fixture): SimState {
  return {
    stationId: 'demo-1',
    simTimeS: 120,
    speed: 1,
    devices: [1, 2, 3, 4].map((dock) => ({
      dock,
      kind: 'bms' as const,
      address: `mock:bms-${dock}`,
      transport: 'mock',
      present: true,
      baudRate: 9600,
    })),
    faults: fx.simFaults,
    faultNames: fx.simFaultNames,
    ioBoard: {
      leds: [
        { id: 'power', colour: 'green', pattern: 'on' },
        { id: 'dock-3', colour: 'red', pattern: 'blink' },
        { id: 'service', colour: 'off', pattern: 'off' },
      ],
      lcd: ['Station demo-1', 'Dock 3: STOERUNG', 'Akku zu heiss', 'Nicht ausgeben!'],
      backlight: true,
    },
  };
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
    .end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : null;
}

async function api(
  fx: Fixture,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  if (fx.failApi) return send(res, 503, { error: 'unavailable' } satisfies ApiErrorAnswer);
  const method = req.method ?? 'GET';
  // The broker's CSRF guard: a POST must say it is JSON, which a plain HTML form on another site cannot.
  if (method === 'POST' && !isJson(req)) return send(res, 415, { error: 'content-type must be application/json' });
  if (path === '/api/login' || path === '/api/logout' || path === '/api/session') return auth(fx, req, res, path);
  const command = /^\/api\/stations\/([^/]+)\/commands\/([^/]+)$/.exec(path);
  if (command?.[1] && command[2]) {
    const body = method === 'POST' ? await readBody(req).catch(() => undefined) : undefined;
    fx.commands.push({ method, url: path, contentType: req.headers['content-type'], body });
    if (fx.commandGate) await fx.commandGate;
    return stationCommand(fx, req, res, decodeURIComponent(command[1]), decodeURIComponent(command[2]), body);
  }
  if (method === 'GET' && path === '/api/stations') {
    fx.stationPolls += 1;
    // Like a live station: each poll sees a fresh lastSeen and a higher seq.
    for (const s of fx.stations) {
      s.lastSeen = Date.now() - 1500;
      s.lastSeq = (s.lastSeq ?? 0) + 1;
      s.ackSeq = s.lastSeq - s.missingSeqs;
    }
    return send(res, 200, { items: fx.stations } satisfies StationList);
  }
  // Rated by the broker's own builder from the fixture's stations, so the list cannot disagree with the docks.
  if (method === 'GET' && path === '/api/attention')
    return send(res, 200, {
      items: attentionItems(fx.stations, [], () => undefined, Date.now()),
    } satisfies AttentionList);
  // No rickshaw in a bay: the overview's search also looks there.
  if (method === 'GET' && path === '/api/rickshaws') return send(res, 200, { items: [] });
  if (method === 'GET' && path === '/api/fault-codes')
    return send(res, 200, { items: [...FAULT_CODES] } satisfies FaultCodeTable);
  if (method === 'GET' && path === '/api/batteries') {
    const docked = fx.stations.flatMap((s) =>
      s.docks.flatMap((d) => (d.battery ? [batteryDetail(fx, d.battery.id)] : [])),
    );
    return send(res, 200, { items: fx.batteries ?? docked } satisfies BatteryList);
  }
  const passport = /^\/api\/batteries\/(B-[^/]+)\/(passport|work-records)$/.exec(path);
  if (passport?.[1]) return passportApi(fx, req, res, decodeURIComponent(passport[1]), passport[2] === 'passport');
  const battery = /^\/api\/batteries\/([^/]+)(\/history)?$/.exec(path);
  if (method === 'GET' && battery?.[1]) {
    const id = decodeURIComponent(battery[1]);
    if (!id.startsWith('B-')) return send(res, 404, { error: 'unknown battery' });
    if (!battery[2]) return send(res, 200, batteryDetail(fx, id));
    fx.historyQueries.push(Object.fromEntries(query));
    const history = batteryHistory(id, query);
    const gap = fx.historyGap;
    if (gap) {
      const now = Date.now();
      history.points = history.points.filter((p) => p.ts < now - gap.fromAgoMs || p.ts > now - gap.toAgoMs);
    }
    return send(res, 200, history);
  }
  if (path === '/api/sim' || path === '/api/sim/faults' || path === '/api/sim/buttons') {
    if (!fx.simEnabled) return send(res, 404, { error: 'no simulator' });
    if (method === 'GET' && path === '/api/sim') return send(res, 200, simState(fx));
    if (method === 'POST' && path === '/api/sim/faults') {
      const body = await readBody(req);
      fx.actions.push({ method, url: path, body });
      const { dock, fault } = body as { dock: number; fault: SimFaultName };
      const active: SimActiveFault = { dock, fault, target: 'battery', sinceS: 120 };
      fx.simFaults.push(active);
      return send(res, 201, { fault: active, faults: fx.simFaults });
    }
    if (method === 'POST' && path === '/api/sim/buttons') {
      fx.actions.push({ method, url: path, body: await readBody(req) });
      return send(res, 200, { pressed: 'acknowledge' });
    }
    if (method === 'DELETE' && path === '/api/sim/faults') {
      fx.actions.push({ method, url: path, body: null });
      fx.simFaults = [];
      return send(res, 204);
    }
  }
  return send(res, 404, { error: 'not found' });
}

function isJson(req: IncomingMessage): boolean {
  return /^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '');
}

function sessionOf(fx: Fixture, req: IncomingMessage): { token: string; username: string } | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    const username = name === SESSION_COOKIE && value ? fx.sessions.get(value) : undefined;
    if (value && username) return { token: value, username };
  }
  return null;
}

async function auth(fx: Fixture, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  const current = sessionOf(fx, req);
  if (method === 'GET' && path === '/api/session') {
    const user = current ? USERS[current.username] : undefined;
    const answer: SessionAnswer =
      current && user ? { username: current.username, role: user.role } : { username: null, role: null };
    return send(res, 200, answer);
  }
  if (method === 'POST' && path === '/api/logout') {
    if (current) fx.sessions.delete(current.token);
    return send(res, 204, undefined, {
      'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
    });
  }
  if (method === 'POST' && path === '/api/login') {
    const body = (await readBody(req).catch(() => null)) as { username?: unknown; password?: unknown } | null;
    const user = typeof body?.username === 'string' ? USERS[body.username] : undefined;
    if (!user || body?.password !== user.password) return send(res, 401, { error: 'wrong user name or password' });
    if (user.role !== 'mechanic') return send(res, 403, { error: 'not a mechanic' });
    const token = randomBytes(16).toString('hex');
    fx.sessions.set(token, String(body.username));
    return send(res, 200, { username: String(body.username), role: user.role } satisfies LoginAnswer, {
      'set-cookie': `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`,
    });
  }
  return send(res, 405, { error: 'method not allowed' });
}

/** The passport, and a work record added like the broker does: a mechanic's login, a known kind. */
async function passportApi(fx: Fixture, req: IncomingMessage, res: ServerResponse, id: string, read: boolean) {
  const own = fx.workRecords.filter((w) => w.batteryId === id);
  if (read) return req.method === 'GET' ? send(res, 200, passportFor(id, own)) : send(res, 405, { error: 'GET only' });
  if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
  const current = sessionOf(fx, req);
  if (!current) return send(res, 401, { error: 'log in first' });
  if (USERS[current.username]?.role !== 'mechanic') return send(res, 403, { error: 'only mechanics may record work' });
  const body = workRecordBodySchema.safeParse(await readBody(req).catch(() => null));
  if (!body.success) return send(res, 400, { error: body.error.message });
  const record: WorkRecord = {
    id: fx.workRecords.length + 1,
    batteryId: id,
    at: Date.now(),
    by: current.username,
    kind: body.data.kind,
    note: body.data.note ?? null,
  };
  fx.workRecords.push(record);
  return send(res, 201, record);
}

const DOCK_COMMANDS = new Set(['stop-charging', 'resume-charging', 'acknowledge', 'maintenance', 'set-departure']);

/** Checks a command like the broker does and applies it to the fixture's dock like the station would. */
function stationCommand(
  fx: Fixture,
  req: IncomingMessage,
  res: ServerResponse,
  stationId: string,
  name: string,
  body: unknown,
): void {
  if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' });
  const current = sessionOf(fx, req);
  if (!current) return send(res, 401, { error: 'not logged in' });
  if (USERS[current.username]?.role !== 'mechanic') return send(res, 403, { error: 'not a mechanic' });
  const station = fx.stations.find((s) => s.stationId === stationId);
  if (!station) return send(res, 404, { error: `unknown station ${stationId}` });
  const cmd = (body && typeof body === 'object' ? body : {}) as { dock?: unknown; args?: { on?: unknown } };
  const dock = station.docks.find((d) => d.dock === cmd.dock);
  if (!DOCK_COMMANDS.has(name) || !dock)
    return send(res, 400, { error: `bad command ${name} for dock ${String(cmd.dock)}` });
  if (name === 'maintenance' && typeof cmd.args?.on !== 'boolean')
    return send(res, 400, { error: 'args.on: expected boolean' });
  if (!station.online) return send(res, 409, { error: `station ${stationId} is offline` });
  if (name === 'acknowledge' && fx.faultPresent) return send(res, 422, { error: STILL_FAULTY });
  if (name === 'stop-charging') Object.assign(dock, { state: 'idle', reason: 'stopped by command', stopped: true });
  if (name === 'resume-charging') Object.assign(dock, { state: 'charging', reason: undefined, stopped: undefined });
  if (name === 'acknowledge') Object.assign(dock, { state: 'idle', reason: undefined, doNotDispatch: undefined });
  if (name === 'maintenance') Object.assign(dock, { state: cmd.args?.on ? 'maintenance' : 'idle', reason: undefined });
  return send(res, 200, { ok: true, result: { dock: dock.dock } } satisfies CommandAnswer);
}

async function staticFile(res: ServerResponse, path: string): Promise<void> {
  const rel = normalize(decodeURIComponent(path === '/' ? '/index.html' : path));
  const file = join(DASHBOARD_DIR, rel);
  if (!file.startsWith(DASHBOARD_DIR + sep)) return send(res, 403, { error: 'outside dashboard' });
  try {
    const data = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(data);
  } catch {
    send(res, 404, { error: 'no such file' });
  }
}

export async function startFixtureServer(fx: Fixture): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const work = path.startsWith('/api/') ? api(fx, req, res, path, url.searchParams) : staticFile(res, path);
    work.catch((err: unknown) => send(res, 500, { error: String(err) }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}` };
}
