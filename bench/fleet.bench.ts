// The fleet overview in Chromium (issue 13): a real central fed by 50 simulated stations x 8 docks publishing
// telemetry every second over MQTT, the dashboard polling it every 2 s. Measured: the first render (navigation
// start until all 50 station lines are on the page), the main thread's time per poll (every task of the page's
// renderer summed over a window of polls, from a Chromium trace, so the per-second redraws count too; the same with
// the CPU slowed 4x), the longest single task while polling, and the size of `GET /api/stations` on the wire.
// `npm run bench -- "fleet overview"` runs these alone ("fleet" also matches the health bench's 24-pack fleet).

import { request } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.ts';
import { startFleet, type Fleet } from './support/fleet-publishers.ts';
import type { Benchmark } from './benchmark.ts';

const STATIONS = 50;
const DOCKS = 8;
/** Long enough for five polls of 2 s. */
const WINDOW_MS = 10_000;
/** Fresh page loads the first render is the median of. */
const FIRST_LOADS = 5;

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

interface Figures {
  firstRenderMs: number;
  firstRenderTaskMs: number;
  pollMs: number;
  pollMs4x: number;
  longestTaskMs: number;
  stationsKb: number;
  stationsBrKb: number;
}

async function waitUntil(what: string, cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`fleet bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Size of an answer on the wire with and without brotli (KB). */
function wireSize(url: string, encoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => resolve(n / 1024));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Main-thread task time of the page's renderer over `WINDOW_MS` of polling, per poll; and the longest task.
 * The renderer main thread is the `CrRendererMain` thread with the most task time (the page is the only busy one).
 */
async function pollWindow(browser: Browser, page: Page): Promise<{ perPoll: number; longest: number }> {
  let polls = 0;
  const count = (url: string): void => {
    if (new URL(url).pathname === '/api/stations') polls += 1;
  };
  page.on('requestfinished', (r) => count(r.url()));
  await browser.startTracing(page, { categories: TRACE });
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const buffer = await browser.stopTracing();
  page.removeAllListeners('requestfinished');
  const tasks = mainThreadTasks(buffer);
  return { perPoll: sum(tasks) / Math.max(1, polls), longest: Math.max(0, ...tasks) };
}

const TRACE = ['toplevel', 'disabled-by-default-devtools.timeline'];

/** Durations (ms) of every task on the busiest renderer main thread of a trace. */
function mainThreadTasks(buffer: Buffer): number[] {
  const events = (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, number[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'RunTask' || e.dur === undefined) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!mains.has(key)) continue;
    const list = byThread.get(key) ?? [];
    list.push(e.dur / 1000);
    byThread.set(key, list);
  }
  return [...byThread.values()].sort((a, b) => sum(b) - sum(a))[0] ?? [];
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Opens the overview in a fresh context; the time (page clock, 0 = navigation start) the last station line appeared. */
async function firstLoad(
  browser: Browser,
  url: string,
  traced: boolean,
): Promise<{ ms: number; taskMs: number; page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { firstLines?: number };
    new MutationObserver((_, obs) => {
      if (document.querySelector('[data-testid="station-line-st-50"]')) {
        w.firstLines = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  if (traced) await browser.startTracing(page, { categories: TRACE });
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { firstLines?: number }).firstLines !== undefined);
  // The render itself, without the waits for modules and answers: the longest task until the lines are there.
  const taskMs = traced ? Math.max(0, ...mainThreadTasks(await browser.stopTracing())) : Number.NaN;
  const ms = await page.evaluate(() => (window as unknown as { firstLines: number }).firstLines);
  if (!traced) await context.close();
  return { ms, taskMs, page, context };
}

async function measure(): Promise<Figures> {
  const fleet: Fleet = await startFleet({ stations: STATIONS, docks: DOCKS });
  let browser: Browser | undefined;
  try {
    await waitUntil('50 stations with docks in the API', async () => {
      const res = await fetch(`${fleet.baseUrl}/api/stations`);
      const list = (await res.json()) as { items: Array<{ docks: unknown[] }> };
      return list.items.length === STATIONS && list.items.every((s) => s.docks.length === DOCKS);
    });
    browser = await launchChromium();
    // The first render is timed in a context of its own without tracing (a trace slows the page it records);
    // the longest task is read from a traced load in a second fresh context, whose page then polls.
    // One load is noisy (the first context also pays for cold caches in the browser): the median of five.
    const loads: number[] = [];
    for (let i = 0; i < FIRST_LOADS; i++) loads.push((await firstLoad(browser, fleet.baseUrl, false)).ms);
    const firstRenderMs = median(loads);
    process.stderr.write(
      `  first render, ${FIRST_LOADS} fresh contexts: ${loads.map((x) => x.toFixed(0)).join(', ')} ms\n`,
    );
    const { page, context, taskMs: firstRenderTaskMs } = await firstLoad(browser, fleet.baseUrl, true);
    // Warm up: a few polls before the window.
    await new Promise((r) => setTimeout(r, 4000));
    const normal = await pollWindow(browser, page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const slow = await pollWindow(browser, page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const url = `${fleet.baseUrl}/api/stations`;
    return {
      firstRenderMs,
      firstRenderTaskMs,
      pollMs: normal.perPoll,
      pollMs4x: slow.perPoll,
      longestTaskMs: normal.longest,
      stationsKb: await wireSize(url, 'identity'),
      stationsBrKb: await wireSize(url, 'br, gzip'),
    };
  } finally {
    await browser?.close();
    await fleet.stop();
  }
}

let figures: Promise<Figures> | undefined;
const once = (): Promise<Figures> => (figures ??= measure());

export const benchmarks: Benchmark[] = [
  {
    name: 'fleet overview first render, 50 stations x 8 docks (Chromium, from navigation)',
    unit: 'ms',
    target: 300,
    better: 'lower',
    run: async () => (await once()).firstRenderMs,
  },
  {
    name: 'fleet overview first render, longest main-thread task until the 50 lines are drawn (Chromium)',
    unit: 'ms',
    target: 300,
    better: 'lower',
    run: async () => (await once()).firstRenderTaskMs,
  },
  {
    name: 'fleet overview main-thread time per 2 s poll, incl. per-second redraws (Chromium)',
    unit: 'ms',
    target: 16,
    better: 'lower',
    run: async () => (await once()).pollMs,
  },
  {
    name: 'fleet overview main-thread time per poll, CPU slowed 4x (Chromium)',
    unit: 'ms',
    target: 64,
    better: 'lower',
    run: async () => (await once()).pollMs4x,
  },
  {
    name: 'fleet overview longest main-thread task while polling (Chromium)',
    unit: 'ms',
    target: 16,
    better: 'lower',
    run: async () => (await once()).longestTaskMs,
  },
  {
    name: 'fleet overview: GET /api/stations, 50 stations, uncompressed',
    unit: 'KB',
    target: 400,
    better: 'lower',
    run: async () => (await once()).stationsKb,
  },
  {
    name: 'fleet overview: GET /api/stations, 50 stations, brotli on the wire',
    unit: 'KB',
    target: 40,
    better: 'lower',
    run: async () => (await once()).stationsBrKb,
  },
];
