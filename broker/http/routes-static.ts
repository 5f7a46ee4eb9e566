// Serves the dashboard's files from a directory (index.html at `/`), with content types by extension. Files are
// streamed as they are on disk: the dashboard is built ahead of time, never per request.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { BuiltDashboard } from './dashboard-bundle.ts';
import { matches, pickEncoding } from './negotiate.ts';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves `url.pathname` from `root`; false when there is no such file (so the caller answers 404). */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, root: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return false;
  }
  if (rel.includes('\0')) return false;
  const base = resolve(root);
  let file = resolve(join(base, rel));
  // Never outside the dashboard directory, whatever ../ or encoded tricks the path holds.
  if (file !== base && !file.startsWith(base + sep)) return false;
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) return false;
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise<void>((done) => {
    const stream = createReadStream(file);
    stream.on('error', () => {
      res.destroy();
      done();
    });
    stream.on('end', done);
    stream.pipe(res);
  });
  return true;
}

/**
 * Serves a file of the joined dashboard (dashboard-bundle.ts) from memory: an ETag (304 when the browser holds it)
 * and the body compressed as the browser accepts. False for any other path.
 */
export function serveBuilt(req: IncomingMessage, res: ServerResponse, url: URL, built: BuiltDashboard): boolean {
  const file = built.get(url.pathname);
  if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const common = { etag: file.etag, 'cache-control': 'no-cache', vary: 'accept-encoding' };
  if (matches(req.headers['if-none-match'], file.etag)) {
    res.writeHead(304, common);
    res.end();
    return true;
  }
  const encoding = pickEncoding(req.headers['accept-encoding']);
  const body = encoding === 'br' ? file.br : encoding === 'gzip' ? file.gzip : file.body;
  res.writeHead(200, {
    ...common,
    'content-type': file.type,
    'content-length': body.length,
    'x-content-type-options': 'nosniff',
    ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
