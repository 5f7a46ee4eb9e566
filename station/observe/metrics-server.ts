// The station's local HTTP port for operators: `GET /metrics` (Prometheus text), `GET /healthz` (200 while the
// charge loop ticks, 503 when it has stalled) and the kiosk page `GET /kiosk` (the screen, larger, for HDMI). Off unless configured, and bound to localhost by default: it tells
// anyone who can reach it which docks exist and how the lines behave.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { renderStationMetrics, type StationSnapshot } from './prometheus-text.ts';
import type { ScreenSnapshot } from '../display/station-board.ts';
import { serveKiosk } from '../kiosk/kiosk-page.ts';

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** A loop older than this many ms is reported unhealthy. */
  staleLoopMs: number;
  snapshot: () => StationSnapshot;
  /** What the station's screen and LEDs show, for the kiosk page (/kiosk); absent or null: no screen. */
  screen?: () => ScreenSnapshot | null;
  log: Logger;
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(renderStationMetrics(opts.snapshot()));
        return;
      }
      if (path === '/healthz') {
        const s = opts.snapshot();
        const ok = s.loopAgeMs <= opts.staleLoopMs;
        const body = {
          ok,
          stationId: s.stationId,
          loopAgeMs: Number.isFinite(s.loopAgeMs) ? Math.round(s.loopAgeMs) : null,
          mqttConnected: s.mqttConnected,
          docksInFault: s.docks.filter((d) => d.state === 'fault').map((d) => d.dock),
        };
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        return;
      }
      if (opts.screen && serveKiosk(path ?? '', res, opts.screen)) return;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    } catch (err) {
      opts.log.warn({ err: String(err) }, 'metrics request failed');
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  opts.log.info({ host: opts.host, port }, 'station metrics on http');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
