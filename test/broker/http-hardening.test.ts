// The broker's HTTP server against misuse: security headers on every answer, bad percent-encoding is a 400 (not a
// 500), state-changing requests from another site's page are refused by their Origin, and the demo's simulator
// API takes JSON only.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral } from './helpers.ts';

let t: Awaited<ReturnType<typeof startTestCentral>>;
let mechPw = '';
beforeAll(async () => {
  t = await startTestCentral();
  mechPw = t.central.addMechanic('mech');
});
afterAll(async () => {
  await t.stop();
});

const login = (headers: Record<string, string>) =>
  t.http('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: 'mech', password: mechPw }),
  });

describe('HTTP hardening', () => {
  it('sends CSP, frame-ancestors, nosniff and Referrer-Policy on every answer, errors included', async () => {
    for (const path of ['/healthz', '/api/stations', '/api/nothing-here', '/metrics']) {
      const res = await t.http(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('answers bad percent-encoding with 400, not 500', async () => {
    for (const path of ['/api/stations/%ZZ', '/api/batteries/%E0%A4%A', '/%ZZ'])
      expect((await t.http(path)).status).toBe(400);
  });

  it("refuses a POST whose Origin is another site's, accepts its own origin and scripts without one", async () => {
    expect((await login({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await login({ origin: 'null' })).status).toBe(403);
    expect((await login({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await login({ origin: `http://127.0.0.1:${t.central.httpPort}` })).status).toBe(200);
    expect((await login({})).status).toBe(200);
  });
});
