// What every HTTP request of the broker gets before any route: security headers on every answer, a 400 for a
// path whose percent-encoding is broken (it used to reach decodeURIComponent in a route and answer 500), and a
// 403 for a state-changing request whose Origin is another site's (CSRF: not left to the browser's preflight).

import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The dashboard is plain files of our own: scripts, styles, images and fetches from this origin only; no page may
 * frame it (clickjacking); nothing of ours is sniffed as another type; no referrer leaves the site.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type GuardRefusal = { status: 400 | 403; error: string } | null;

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

/** Null when the request may go on; else the answer to give. */
export function checkRequest(req: IncomingMessage, url: URL): GuardRefusal {
  try {
    decodeURIComponent(url.pathname);
  } catch {
    return { status: 400, error: 'bad percent-encoding in the path' };
  }
  if (SAFE_METHODS.has(req.method ?? 'GET')) return null;
  // A browser names the page's origin on every cross-origin or state-changing request; scripts (curl) send none.
  const origin = req.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, req.headers.host)) {
    return { status: 403, error: 'cross-site request refused (Origin is not this server)' };
  }
  if (req.headers['sec-fetch-site'] === 'cross-site')
    return { status: 403, error: 'cross-site request refused (Sec-Fetch-Site)' };
  return null;
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host || origin === 'null') return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
