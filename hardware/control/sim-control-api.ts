// The simulator's control API (training mode and tests) as a plain node:http handler, so the demo mounts it on its
// own HTTP server and `rikscha sim --control-port P` serves it alone. Returns true when it handled the request.
//
//   GET    /api/sim              devices and where each is, active faults, I/O board LEDs and LCD lines
//   POST   /api/sim/faults       { dock, fault, device? }  -> 201 with the active fault; 400 names what is wrong
//   DELETE /api/sim/faults       clears all; ?dock=N (and &fault=F) clears only those
//   GET    /api/sim/truth        the battery models' true SoC, SoH, resistance and temperature per dock

import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SimState, SimTruth } from '../../contract/sim-api.ts';
import { formatIssues } from '../../lib/config-error.ts';
import {
  deviceKindSchema,
  FAULT_NAMES,
  FaultError,
  faultNameSchema,
  type FaultInjector,
} from '../faults/fault-injector.ts';
import type { SimStation } from '../station-sim/sim-station.ts';

export type SimControlHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const faultRequestSchema = z.strictObject({
  dock: z.number({ error: 'expected a dock number' }).int(),
  fault: faultNameSchema.describe(`one of ${FAULT_NAMES.join(', ')}`),
  device: deviceKindSchema.optional(),
});

/** Largest POST body accepted, bytes: a fault request is tiny. */
const MAX_BODY = 4096;

function send(res: ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
  return true;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const parts: Buffer[] = [];
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new RangeError(`body larger than ${MAX_BODY} bytes`);
    parts.push(b);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The battery models' ground truth per dock, rounded to what a person can read. */
export function truthOf(station: SimStation): SimTruth['batteries'] {
  const r = (x: number, d: number) => Number(x.toFixed(d));
  return station.docks.map(({ dock }) => {
    const t = dock.pack.truth();
    return {
      dock: dock.dock,
      batteryId: dock.batteryId,
      away: dock.away,
      socPct: r(t.socPct, 2),
      sohPct: r(t.sohPct, 2),
      resistanceOhm: r(t.resistanceOhm, 5),
      resistance25COhm: r(t.resistance25COhm, 5),
      temperatureC: r(t.temperatureC, 2),
      ambientC: r(t.ambientC, 2),
      remainingAh: r(t.remainingAh, 3),
      fullChargeAh: r(t.fullChargeAh, 3),
      cycles: r(t.cycles, 2),
      currentA: r(t.currentA, 3),
      cellSocPct: t.cellSocPct.map((x) => r(x, 2)),
    };
  });
}

/** What GET /api/sim shows. */
export function simStatus(station: SimStation, faults: FaultInjector): SimState {
  const io = station.ioBoard.snapshot();
  return {
    stationId: station.stationId,
    simTimeS: Number(station.simTimeS.toFixed(1)),
    speed: station.speed,
    devices: station.devices(),
    faults: faults.active(),
    faultNames: [...FAULT_NAMES],
    ioBoard: { leds: io.leds, lcd: io.lcd, backlight: io.backlight },
  };
}

export function createSimControlHandler(station: SimStation, faults: FaultInjector): SimControlHandler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const path = url.pathname.replace(/\/+$/, '');
    if (path !== '/api/sim' && !path.startsWith('/api/sim/')) return false;
    const method = req.method ?? 'GET';
    try {
      if (path === '/api/sim' && method === 'GET') return send(res, 200, simStatus(station, faults));
      if (path === '/api/sim/truth' && method === 'GET')
        return send(res, 200, {
          simTimeS: Number(station.simTimeS.toFixed(1)),
          batteries: truthOf(station),
        } satisfies SimTruth);
      if (path === '/api/sim/faults' && method === 'GET') return send(res, 200, { faults: faults.active() });
      // JSON only: a page elsewhere can send text/plain without the browser asking first, never JSON (CSRF guard).
      if (method === 'POST' && !/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
        return send(res, 415, { error: 'send JSON (content-type: application/json)' });
      if (path === '/api/sim/faults' && method === 'POST') return await postFault(req, res, faults);
      if (path === '/api/sim/faults' && method === 'DELETE') return await deleteFaults(url, res, faults);
      if (path === '/api/sim/buttons' && method === 'POST') return await pressButton(req, res, station);
      if (['/api/sim', '/api/sim/truth', '/api/sim/faults'].includes(path)) {
        return send(res, 405, { error: `${method} is not allowed on ${path}` });
      }
      return send(res, 404, { error: `no such simulator endpoint ${path}` });
    } catch (err) {
      if (err instanceof FaultError)
        // An unknown dock is a bad request; a fault the dock cannot have (no charger for stuck-relay) conflicts with its build.
        if (err instanceof FaultError)
          return send(res, err.code === 'NO_SUCH_DOCK' ? 400 : 409, { error: err.message, code: err.code });
      return send(res, 500, { error: err instanceof Error ? err.message : String(err) });
    }
  };
}

async function postFault(req: IncomingMessage, res: ServerResponse, faults: FaultInjector): Promise<true> {
  let json: unknown;
  try {
    json = JSON.parse(await readBody(req));
  } catch (err) {
    return send(res, 400, {
      error: `body must be JSON like {"dock": 1, "fault": "unplug"}: ${(err as Error).message}`,
    });
  }
  const parsed = faultRequestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues);
    return send(res, 400, { error: problems.join('; '), problems, faultNames: FAULT_NAMES });
  }
  const { dock, fault, device } = parsed.data;
  const active = await faults.inject(dock, fault, device);
  return send(res, 201, { fault: active, faults: faults.active() });
}

const buttonRequestSchema = z.object({ button: z.enum(['acknowledge', 'maintenance']) });

/** A trainee presses a button on the station's I/O board (training mode): the station hears it as on the real board. */
async function pressButton(req: IncomingMessage, res: ServerResponse, station: SimStation): Promise<true> {
  let json: unknown;
  try {
    json = JSON.parse(await readBody(req));
  } catch (err) {
    return send(res, 400, { error: `body must be JSON like {"button": "acknowledge"}: ${(err as Error).message}` });
  }
  const parsed = buttonRequestSchema.safeParse(json);
  if (!parsed.success) return send(res, 400, { error: formatIssues(parsed.error.issues).join('; ') });
  station.ioBoard.press(parsed.data.button);
  return send(res, 200, { pressed: parsed.data.button });
}

async function deleteFaults(url: URL, res: ServerResponse, faults: FaultInjector): Promise<true> {
  const dockRaw = url.searchParams.get('dock');
  const faultRaw = url.searchParams.get('fault');
  const dock = dockRaw === null ? undefined : Number(dockRaw);
  if (dock !== undefined && !Number.isInteger(dock))
    return send(res, 400, { error: `dock: expected a dock number, got "${dockRaw}"` });
  const fault = faultRaw === null ? undefined : faultNameSchema.safeParse(faultRaw);
  if (fault && !fault.success)
    return send(res, 400, { error: `fault: expected one of ${FAULT_NAMES.join(', ')}, got "${faultRaw}"` });
  const cleared = await faults.clear({
    ...(dock !== undefined ? { dock } : {}),
    ...(fault?.success ? { fault: fault.data } : {}),
  });
  return send(res, 200, { cleared, faults: faults.active() });
}
