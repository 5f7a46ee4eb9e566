// A JSON GET answer sent the cheap way: an ETag (hash of the body) so an unchanged answer costs a 304 and no body,
// and the body compressed with brotli or gzip when the client says it takes one (the fleet's stations list is
// ~170 KB of JSON every 2 s per open dashboard; compressed it is a tenth of that).

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

/** Below this a compressed body saves less than its headers and the CPU cost (bytes). */
export const COMPRESS_MIN_BYTES = 1024;
/**
 * Brotli quality 4: close to gzip's speed (~1 ms for 170 KB here) with a smaller answer; the default 11 takes tens of
 * milliseconds per answer, which would be spent again on every poll of every dashboard.
 */
const BROTLI_QUALITY = 4;
/** Compressed bodies kept by ETag and encoding, so several dashboards polling the same answer compress it once. */
const CACHE_ENTRIES = 16;

export type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding the Accept-Encoding header allows: br, then gzip, else none (q=0 refuses one). */
export function pickEncoding(header: string | string[] | undefined): Encoding {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const q = new Map<string, number>();
  for (const part of text.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp === undefined ? 1 : Number(qp.slice(2));
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const ok = (name: string): boolean => (q.get(name) ?? q.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

/** A weak ETag: the same JSON is the same answer whichever encoding carries it. */
export function etagOf(text: string): string {
  return `W/"${createHash('sha1').update(text).digest('base64url').slice(0, 22)}"`;
}

/** True when If-None-Match names this ETag (weak comparison, as RFC 9110 asks for GET), or is `*`. */
export function matches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const text = Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch;
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '');
  return text.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

const cache = new Map<string, Buffer>();

function compressed(text: string, etag: string, encoding: 'br' | 'gzip'): Buffer {
  const key = `${encoding} ${etag}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const body =
    encoding === 'br'
      ? brotliCompressSync(text, {
          params: {
            [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
            [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
            [zlib.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(text),
          },
        })
      : gzipSync(text, { level: 6 });
  cache.set(key, body);
  // Oldest first out: a Map iterates in insertion order.
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value ?? '');
  return body;
}

/**
 * Sends a 200 JSON answer to a GET or HEAD with an ETag, a 304 when the client already holds it, and a compressed
 * body when accepted and worth it. `cache-control: no-cache` lets a client keep the answer but ask again each time.
 */
export function sendJsonNegotiated(req: IncomingMessage, res: ServerResponse, text: string): void {
  const etag = etagOf(text);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-cache',
    etag,
    vary: 'accept-encoding',
  };
  if (matches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { etag, 'cache-control': 'no-cache', vary: 'accept-encoding' });
    res.end();
    return;
  }
  const size = Buffer.byteLength(text);
  const encoding = size >= COMPRESS_MIN_BYTES ? pickEncoding(req.headers['accept-encoding']) : 'identity';
  const body = encoding === 'identity' ? Buffer.from(text) : compressed(text, etag, encoding);
  if (encoding !== 'identity') headers['content-encoding'] = encoding;
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
