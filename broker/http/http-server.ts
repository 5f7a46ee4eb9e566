// The broker process's HTTP server (node:http): /healthz, /metrics, the JSON API, mechanics' logins and commands,
// a hook for routes mounted by
// the caller (the demo's /api/sim/*), and the dashboard's static files. Port 0 picks a free port.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.ts';
import { sendError, sendJson, sendText } from './respond.ts';
import { handleApi, type ApiDeps } from './routes-api.ts';
import { serveBuilt, serveStatic } from './routes-static.ts';
import { buildDashboard, type BuiltDashboard } from './dashboard-bundle.ts';
import { Upgrades, type UpgradeHandler } from './upgrades.ts';
import { checkRequest, setSecurityHeaders } from './request-guard.ts';
import { faultSheetHtml } from '../sheet/fault-sheet.ts';

/** Returns true when it answered the request; false passes it on to the API and static files. */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface HttpServerOptions {
  host: string;
  port: number;
  log: Logger;
  metrics: Metrics;
  api: ApiDeps;
  /** Directory of the dashboard (index.html etc.); no static files when absent. */
  dashboardDir?: string;
  extraRoutes?: ExtraRoutes;
  /** Login, logout and commands to stations (routes-mechanic.ts); answered before the read-only API. */
  mechanic?: ExtraRoutes;
  /** The rickshaw API (broker/rickshaws/rickshaw-routes.ts). */
  rickshaws?: ExtraRoutes;
  /** Battery health: alerts, passports, work records (broker/health/health-routes.ts). */
  batteries?: ExtraRoutes;
  /** The rental desk (broker/rental/rental-routes.ts). */
  rental?: ExtraRoutes;
  /** The trainee logbook and its printable page (broker/trainees/logbook-routes.ts). */
  trainees?: ExtraRoutes;
  /** The audit trail for staff (broker/audit/audit-routes.ts). */
  audit?: ExtraRoutes;
  /** Passengers' ride requests for staff (broker/ride-requests/ride-request-routes.ts). */
  rideRequests?: ExtraRoutes;
  /** The public GBFS feed under /gbfs/ (broker/gbfs/gbfs-routes.ts). */
  gbfs?: ExtraRoutes;
}

export interface HttpServer {
  readonly port: number;
  readonly server: Server;
  /** Serves upgrade requests (WebSocket) on `path`; upgrades to any other path are answered 404 and closed. */
  onUpgrade(path: string, handler: UpgradeHandler): void;
  close(): Promise<void>;
}

/** The dashboard joined into one script and one style sheet; its files as they are if that fails (logged). */
function joinDashboard(dir: string, log: Logger): BuiltDashboard | undefined {
  try {
    return buildDashboard(dir);
  } catch (err) {
    log.warn({ err, dir }, 'dashboard not joined at start-up; serving its modules one by one');
    return undefined;
  }
}

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const { log, metrics } = opts;
  metrics.counter('rikscha_http_requests_total', 'HTTP requests answered, by status class', [
    { status: '2xx' },
    { status: '4xx' },
    { status: '5xx' },
  ]);

  const built = opts.dashboardDir ? joinDashboard(opts.dashboardDir, log) : undefined;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendError(res, 400, 'bad request target');
    }
    const refused = checkRequest(req, url);
    if (refused) return sendError(res, refused.status, refused.error);
    if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
    if (url.pathname === '/metrics')
      return sendText(res, 200, metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
    if (url.pathname === '/sheet/fault-codes') return sendText(res, 200, faultSheetHtml(), 'text/html; charset=utf-8');
    if (opts.gbfs && (await opts.gbfs(req, res, url))) return;
    if (opts.extraRoutes && (await opts.extraRoutes(req, res, url))) return;
    if (opts.mechanic && (await opts.mechanic(req, res, url))) return;
    if (opts.rickshaws && (await opts.rickshaws(req, res, url))) return;
    if (opts.batteries && (await opts.batteries(req, res, url))) return;
    if (opts.trainees && (await opts.trainees(req, res, url))) return;
    if (opts.audit && (await opts.audit(req, res, url))) return;
    if (opts.rideRequests && (await opts.rideRequests(req, res, url))) return;
    if (opts.rental && (await opts.rental(req, res, url))) return;
    if (handleApi(req, res, url, opts.api)) return;
    if (url.pathname.startsWith('/api/')) return sendError(res, 404, 'not found');
    if (built && serveBuilt(req, res, url, built)) return;
    if (opts.dashboardDir && (await serveStatic(req, res, url, opts.dashboardDir))) return;
    sendError(res, 404, 'not found');
  }

  const server = createServer((req, res) => {
    res.on('finish', () => {
      const cls = `${Math.floor(res.statusCode / 100)}xx`;
      if (cls === '2xx' || cls === '4xx' || cls === '5xx') metrics.inc('rikscha_http_requests_total', { status: cls });
    });
    route(req, res).catch((err: unknown) => {
      log.error({ err, method: req.method, url: req.url }, 'http request failed');
      if (!res.headersSent) sendError(res, 500, 'internal error');
      else res.destroy();
    });
  });
  metrics.counter(
    'rikscha_http_upgrades_refused_total',
    'HTTP upgrade requests to a path nobody serves (answered 404 and closed)',
  );
  const upgrades = new Upgrades(() => metrics.inc('rikscha_http_upgrades_refused_total'));
  upgrades.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  let closing: Promise<void> | null = null;
  return {
    port,
    server,
    onUpgrade: (path, handler) => upgrades.add(path, handler),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections (browsers, the dashboard's polling) would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
