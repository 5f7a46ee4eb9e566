// The kiosk page for a station with an HDMI screen: the same four lines and dock lights as the 20x4 screen and the
// LEDs, larger. Served by the station itself on its local port (observe/metrics-server.ts), so it keeps working while
// the link to the central side is down; a browser in kiosk mode on the Pi opens http://127.0.0.1:<port>/kiosk.

import type { ServerResponse } from 'node:http';
import type { ScreenSnapshot } from '../display/station-board.ts';

/** The page: markup and style only; the script comes from /kiosk.js so the page can forbid inline scripts. */
export const KIOSK_HTML = `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Station</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
html, body { margin: 0; height: 100%; background: #102030; color: #e8f4ff; font-family: sans-serif; }
main { display: flex; flex-direction: column; justify-content: center; align-items: center; height: 100%; gap: 4vh; }
#screen { background: #1d4f91; border: 1.2vh solid #0a1a2a; border-radius: 2vh; padding: 3vh 4vh;
  font-family: "DejaVu Sans Mono", monospace; font-size: 7.5vh; line-height: 1.25; white-space: pre; color: #f0fbff; }
#leds { display: flex; gap: 3vh; flex-wrap: wrap; justify-content: center; }
.led { display: flex; flex-direction: column; align-items: center; font-size: 3vh; gap: 1vh; }
.dot { width: 7vh; height: 7vh; border-radius: 50%; background: #333; box-shadow: 0 0 2vh currentColor; }
.off .dot { box-shadow: none; background: #333 !important; }
.blink .dot, .sequence .dot { animation: blink 1s steps(1) infinite; }
.pulse .dot { animation: pulse 2s ease-in-out infinite; }
@keyframes blink { 50% { opacity: 0.1; } }
@keyframes pulse { 50% { opacity: 0.3; } }
#stale { font-size: 3vh; color: #ffb000; min-height: 4vh; }
</style></head><body><main>
<div id="screen" aria-live="polite"></div>
<div id="leds"></div>
<div id="stale"></div>
</main><script src="/kiosk.js"></script></body></html>
`;

/** Polls /kiosk.json twice a second and redraws with text nodes only (no innerHTML). */
export const KIOSK_JS = `'use strict';
const COLOURS = { green: '#2bd94a', red: '#ff3030', amber: '#ffb000', blue: '#3080ff', white: '#ffffff' };
const screen = document.getElementById('screen');
const leds = document.getElementById('leds');
const stale = document.getElementById('stale');
function draw(s) {
  screen.textContent = s.lines.map((l) => l.padEnd(20, ' ').slice(0, 20)).join('\\n');
  leds.replaceChildren(...s.leds.map((l) => {
    const box = document.createElement('div');
    box.className = 'led ' + l.setting.pattern;
    const dot = document.createElement('div');
    dot.className = 'dot';
    dot.style.background = COLOURS[l.setting.color] || '#888';
    dot.style.color = dot.style.background;
    const name = document.createElement('div');
    name.textContent = l.name.replace(/^dock-/, 'Dock ');
    box.append(dot, name);
    return box;
  }));
  stale.textContent = '';
}
async function poll() {
  try {
    const r = await fetch('/kiosk.json', { cache: 'no-store' });
    if (r.ok) draw(await r.json()); else stale.textContent = 'Station antwortet nicht';
  } catch { stale.textContent = 'Station antwortet nicht'; }
  setTimeout(poll, 500);
}
poll();
`;

/** Answers /kiosk, /kiosk.js and /kiosk.json; false for any other path. */
export function serveKiosk(path: string, res: ServerResponse, snapshot: () => ScreenSnapshot | null): boolean {
  if (path === '/kiosk') {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'",
      'cache-control': 'no-store',
    });
    res.end(KIOSK_HTML);
    return true;
  }
  if (path === '/kiosk.js') {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
    res.end(KIOSK_JS);
    return true;
  }
  if (path === '/kiosk.json') {
    const s = snapshot();
    if (!s) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"this station has no screen"}');
      return true;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ lines: s.lines, leds: s.leds }));
    return true;
  }
  return false;
}
