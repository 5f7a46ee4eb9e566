// A stand-in for the broker's HTTP server, for the dashboard's page tests: serves dashboard/ as static files and
// answers the API paths from fixture data that a test can change between polls (and make fail on purpose).
// The fixtures follow contract/messages.ts (docks) and DESIGN.md (station items, battery detail, simulator).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { DockTelemetry } from '../../contract/messages.ts';

export const DASHBOARD_DIR = resolve(fileURLToPath(new URL('../../dashboard/', import.meta.url)));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface StationItem {
  stationId: string;
  online: boolean;
  lastSeen: number;
  lastSeq: number;
  missingSeqs: number;
  docks: DockTelemetry[];
}

export interface Recorded {
  method: string;
  url: string;
  body: unknown;
}

export interface Fixture {
  stations: StationItem[];
  /** When true every /api/ path answers 503, as a broker in trouble would. */
  failApi: boolean;
  /** When false /api/sim answers 404, as a production broker without a simulator does. */
  simEnabled: boolean;
  simFaults: { dock: number; fault: string }[];
  /** Every POST and DELETE the page sent, in order. */
  actions: Recorded[];
  stationPolls: number;
}

function battery(id: string, socPct: number, voltageV: number, currentA: number, tempsC: number[], cellsV: number[]) {
  return { id, socPct, voltageV, currentA, cellsV, tempsC, cycles: 212, protection: [] as string[] };
}

const charger = (outputOn: boolean, currentA: number, setCurrentA: number) => ({ online: true, outputOn, voltageV: outputOn ? 54.6 : 0, currentA, setCurrentA });

/** One station, four docks: charging, full, fault (quarantined), empty. */
export function demoStations(): StationItem[] {
  const cells13 = (base: number) => Array.from({ length: 13 }, (_, i) => base + (i === 6 ? 0.012 : 0) - (i === 2 ? 0.004 : 0));
  return [
    {
      stationId: 'demo-1',
      online: true,
      lastSeen: Date.now(),
      lastSeq: 1200,
      missingSeqs: 3,
      docks: [
        { dock: 1, state: 'charging', battery: battery('B-0041', 63, 51.8, 4.8, [28, 31.5], cells13(3.98)), charger: charger(true, 4.8, 5) },
        { dock: 2, state: 'full', battery: battery('B-0042', 100, 54.5, 0, [24, 25], cells13(4.19)), charger: charger(false, 0, 0) },
        {
          dock: 3,
          state: 'fault',
          reason: 'over-temperature',
          doNotDispatch: true,
          battery: { ...battery('B-0043', 41, 49.9, 0, [58.5, 44], cells13(3.84)), protection: ['charge-over-temperature'] },
          charger: charger(false, 0, 0),
        },
        { dock: 4, state: 'empty', battery: null, charger: charger(false, 0, 0) },
      ],
    },
  ];
}

export function newFixture(): Fixture {
  return { stations: demoStations(), failApi: false, simEnabled: true, simFaults: [], actions: [], stationPolls: 0 };
}

function batteryDetail(id: string) {
  // cellSpreadMv present as null and internalResistanceMilliOhm absent: the page must show "—" for both.
  return { id, socPct: 63, cycles: 212, sohPct: 91.5, maxTempC: 33.5, cellSpreadMv: null, alerts: [{ severity: 'warning', message: 'Zelle 7 driftet' }] };
}

function batteryHistory() {
  const t0 = Date.now() - 60 * 60_000;
  return Array.from({ length: 61 }, (_, i) => ({
    ts: t0 + i * 60_000,
    voltageV: 48 + i * 0.06,
    currentA: i < 50 ? 5 : 1,
    socPct: 20 + i,
    ...(i % 10 === 5 ? {} : { tempC: 25 + i / 10 }),
  }));
}

function simState(fx: Fixture) {
  return {
    devices: [1, 2, 3, 4].map((dock) => ({ dock, kind: 'bms', transport: `mock:bms-${dock}` })),
    faults: fx.simFaults,
    ioBoard: {
      leds: [
        { name: 'power', color: 'green', pattern: 'solid' },
        { name: 'dock-3', color: 'red', pattern: 'blink' },
        { name: 'service', color: 'off', pattern: 'off' },
      ],
      lcd: ['Station demo-1', 'Dock 3: STOERUNG', 'Akku zu heiss', 'Nicht ausgeben!'],
    },
  };
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : null;
}

async function api(fx: Fixture, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (fx.failApi) return send(res, 503, { error: 'unavailable' });
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/api/stations') {
    fx.stationPolls += 1;
    // Like a live station: each poll sees a fresh lastSeen and a higher seq.
    for (const s of fx.stations) {
      s.lastSeen = Date.now() - 1500;
      s.lastSeq += 1;
    }
    return send(res, 200, fx.stations);
  }
  const battery = /^\/api\/batteries\/([^/]+)(\/history)?$/.exec(path);
  if (method === 'GET' && battery?.[1]) {
    const id = decodeURIComponent(battery[1]);
    if (!id.startsWith('B-')) return send(res, 404, { error: 'unknown battery' });
    return send(res, 200, battery[2] ? batteryHistory() : batteryDetail(id));
  }
  if (path === '/api/sim' || path === '/api/sim/faults' || path === '/api/sim/buttons') {
    if (!fx.simEnabled) return send(res, 404, { error: 'no simulator' });
    if (method === 'GET' && path === '/api/sim') return send(res, 200, simState(fx));
    if (method === 'POST' && path === '/api/sim/faults') {
      const body = await readBody(req);
      fx.actions.push({ method, url: path, body });
      fx.simFaults.push(body as { dock: number; fault: string });
      return send(res, 200, { ok: true });
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
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const work = path.startsWith('/api/') ? api(fx, req, res, path) : staticFile(res, path);
    work.catch((err: unknown) => send(res, 500, { error: String(err) }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}` };
}
