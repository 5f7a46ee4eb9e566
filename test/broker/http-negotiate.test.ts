// The JSON API's answers on the wire: an ETag with 304 for a repeated request, a gzip or brotli body that decodes
// to the same JSON, and a plain body for a client that takes no compression. Raw node:http requests, because
// fetch would decompress and hide the headers' effect.

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etagOf, matches, pickEncoding } from '../../broker/http/negotiate.ts';
import { startTestCentral, status, telemetry } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

let t: Awaited<ReturnType<typeof startTestCentral>>;

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: t.central.httpPort, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  const stations = Array.from({ length: 6 }, (_, i) => `st-n${i}`);
  t = await startTestCentral({ stations });
  // Enough stations that /api/stations is past the compression threshold.
  for (const id of stations) {
    const c = await t.station(id);
    await c.publishAsync(`rikscha/v1/${id}/status`, status(id, true), { qos: 1, retain: true });
    await c.publishAsync(`rikscha/v1/${id}/telemetry`, JSON.stringify(telemetry(id, 1, { ts: Date.now() })), {
      qos: 1,
    });
    await c.endAsync();
  }
  await waitFor(
    async () => {
      const res = await t.http('/api/stations');
      const list = (await res.json()) as { items: Array<{ docks: unknown[] }> };
      return list.items.length === 6 && list.items.every((s) => s.docks.length > 0);
    },
    { what: 'six stations stored' },
  );
});

afterAll(async () => {
  await t?.stop();
});

describe('ETag and 304', () => {
  it('answers a repeated request with If-None-Match by 304 and no body, and a changed answer by 200', async () => {
    const first = await get('/api/fault-codes');
    expect(first.status).toBe(200);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await get('/api/fault-codes', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    // Another ETag (an older answer) gets the whole answer again.
    const stale = await get('/api/fault-codes', { 'if-none-match': 'W/"not-this-one"' });
    expect(stale.status).toBe(200);
    expect(JSON.parse(stale.body.toString('utf8'))).toEqual(JSON.parse(first.body.toString('utf8')));
  });

  it('never answers 304 to an error or to a POST', async () => {
    const missing = await get('/api/stations/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.etag).toBeUndefined();
    const post = await get('/api/logout', { 'if-none-match': '*', 'content-type': 'application/json' }, 'POST');
    expect(post.status).not.toBe(304);
  });
});

describe('compression', () => {
  it('sends gzip that decodes to the same JSON when only gzip is accepted', async () => {
    const plain = await get('/api/stations');
    const zipped = await get('/api/stations', { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
    expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
    // The ETag names the JSON, not its encoding: a plain copy's ETag is good for the zipped one.
    expect(zipped.headers.etag).toBe(plain.headers.etag);
  });

  it('prefers brotli when the client takes it', async () => {
    const plain = await get('/api/stations');
    const br = await get('/api/stations', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
  });

  it('sends plain JSON when no compression is accepted, or the one offered is refused', async () => {
    const cases: Array<Record<string, string>> = [
      {},
      { 'accept-encoding': 'identity' },
      { 'accept-encoding': 'gzip;q=0, br;q=0' },
    ];
    for (const headers of cases) {
      const res = await get('/api/stations', headers);
      expect(res.headers['content-encoding'], JSON.stringify(headers)).toBeUndefined();
      expect(Array.isArray((JSON.parse(res.body.toString('utf8')) as { items: unknown[] }).items)).toBe(true);
    }
  });

  it('leaves small answers uncompressed', async () => {
    const res = await get('/healthz', { 'accept-encoding': 'gzip, br' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(res.body.toString('utf8'))).toEqual({ ok: true });
  });
});

describe('header parsing', () => {
  it('picks br over gzip, honours q=0 and *', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip;q=1.0, br;q=0')).toBe('gzip');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('*, br;q=0')).toBe('gzip');
    expect(pickEncoding('deflate')).toBe('identity');
    expect(pickEncoding(undefined)).toBe('identity');
  });

  it('matches ETags weakly, in lists and by *', () => {
    const tag = etagOf('{"a":1}');
    expect(matches(tag, tag)).toBe(true);
    expect(matches(tag.replace(/^W\//, ''), tag)).toBe(true);
    expect(matches(`"x", ${tag}`, tag)).toBe(true);
    expect(matches('*', tag)).toBe(true);
    expect(matches('"x"', tag)).toBe(false);
    expect(matches(undefined, tag)).toBe(false);
    expect(etagOf('{"a":2}')).not.toBe(tag);
  });
});
