// `GET /gbfs/gbfs.json` and `/gbfs/<file>.json`: the public feed, with cache headers that follow each file's ttl
// (max-age counts down to the file's next rebuild), an ETag for conditional requests, and CORS open to any site
// (the feed is public; trip planners read it from browsers too).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../http/respond.ts';
import type { BuiltFile, GbfsFeed } from './gbfs-feed.ts';

export interface GbfsRouteDeps {
  feed: GbfsFeed;
  now: () => number;
  /** The feed's public address (ending in /gbfs); null: from the request's Host header. */
  baseUrl: string | null;
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

export function gbfsRoutes(deps: GbfsRouteDeps) {
  return function handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const m = /^\/gbfs\/([a-z_]+)\.json$/.exec(url.pathname);
    if (!m && url.pathname !== '/gbfs' && url.pathname !== '/gbfs/') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendError(res, 405, 'method not allowed');
      return true;
    }
    const file = deps.feed.file(m?.[1] ?? 'gbfs', baseUrlOf(req, deps.baseUrl));
    if (!file) {
      sendError(res, 404, 'no such GBFS file');
      return true;
    }
    send(req, res, file, deps.now());
    return true;
  };
}

function baseUrlOf(req: IncomingMessage, configured: string | null): string {
  if (configured) return configured;
  // A Host that is not a plain host[:port] is not put into links that others will follow.
  const host = req.headers.host && HOST.test(req.headers.host) ? req.headers.host : 'localhost';
  return `http://${host}/gbfs`;
}

function send(req: IncomingMessage, res: ServerResponse, file: BuiltFile, now: number): void {
  const maxAge = Math.max(0, Math.ceil((file.freshUntil - now) / 1000));
  const etag = file.etag;
  res.setHeader('cache-control', `public, max-age=${maxAge}`);
  res.setHeader('last-modified', new Date(file.builtAt).toUTCString());
  res.setHeader('etag', etag);
  res.setHeader('access-control-allow-origin', '*');
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304);
    res.end();
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': file.bytes.length,
  });
  res.end(req.method === 'HEAD' ? undefined : file.bytes);
}
