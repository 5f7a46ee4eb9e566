// Small response helpers shared by the route files: JSON, text, and the error shapes the API answers with.

import type { ServerResponse } from 'node:http';
import type { ApiErrorAnswer } from '../../contract/http-api.ts';
import { sendJsonNegotiated } from './negotiate.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // A successful read gets an ETag (304 when unchanged) and a compressed body where the client takes one.
  const req = res.req as ServerResponse['req'] | undefined;
  if (status === 200 && (req?.method === 'GET' || req?.method === 'HEAD')) return sendJsonNegotiated(req, res, text);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: string): void {
  sendJson(res, status, { error } satisfies ApiErrorAnswer);
}
