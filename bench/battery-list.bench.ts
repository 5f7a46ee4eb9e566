// The battery list (`#/batteries`) with 1,000 packs in Debian's Chromium, fed by the dashboard's fixture server (its
// answers typed by the HTTP contract): how long the page takes from the route change to the painted list (script,
// style and layout of 1,000 rows), at phone and desktop width, and how long a re-sort takes. Median of 7 runs each.

import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.ts';
import { manyBatteries } from '../test/dashboard/battery-fixtures.ts';
import { newFixture, startFixtureServer } from '../test/dashboard/fixture-server.ts';
import type { Benchmark } from './benchmark.ts';

const PACKS = 1000;
const RUNS = 7;

interface Rig {
  server: Server;
  baseUrl: string;
  browser: Browser;
}
let rig: Promise<Rig> | null = null;

/** A server and a browser for one figure, closed after it (a filtered run may pick any one of them). */
async function withRig(measure: () => Promise<number>): Promise<number> {
  try {
    return await measure();
  } finally {
    await stop();
  }
}

function start(): Promise<Rig> {
  rig ??= (async () => {
    const fx = newFixture();
    fx.batteries = manyBatteries(PACKS, Date.now());
    const { server, baseUrl } = await startFixtureServer(fx);
    const browser = await launchChromium();
    return { server, baseUrl, browser };
  })();
  return rig;
}

async function stop(): Promise<void> {
  const r = await rig;
  rig = null;
  await r?.browser.close();
  await new Promise((ok) => r?.server.close(ok));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Waits in the page until `count` rows are in the list, then for the frame that paints them; ms since `t0`. */
const PAINTED = `(count, t0) => new Promise((done) => {
  const rows = () => document.querySelectorAll('[data-testid="battery-rows"] > li').length;
  const check = () => (rows() === count ? requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0)) : requestAnimationFrame(check));
  check();
})`;

/** A page with the list loaded once (so the module holds the 1,000 packs), showing the overview. */
async function openLoaded(width: number): Promise<Page> {
  const { browser, baseUrl } = await start();
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(`${baseUrl}/#/batteries`);
  await page
    .locator('[data-testid="battery-rows"] > li')
    .nth(PACKS - 1)
    .waitFor({ timeout: 30_000 });
  return page;
}

/** Overview -> list: the route change renders the packs the page already holds (the poll then refreshes them). */
async function routeRender(width: number): Promise<number> {
  const page = await openLoaded(width);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await page.evaluate(() => (location.hash = '#/'));
    await page.getByTestId('page-overview').waitFor();
    times.push(
      await page.evaluate(`(async () => {
        const t0 = performance.now();
        location.hash = '#/batteries';
        return (${PAINTED})(${PACKS}, t0);
      })()`),
    );
  }
  await page.context().close();
  return median(times);
}

/** A different sort order: every one of the 1,000 rows is rebuilt and moved. */
async function resort(): Promise<number> {
  const page = await openLoaded(1280);
  const times: number[] = [];
  const orders = ['soh', 'cycles', 'lastSeen', 'worst'];
  for (let i = 0; i < RUNS; i++) {
    const order = orders[i % orders.length] ?? 'worst';
    times.push(
      await page.evaluate(`(async () => {
        const select = document.querySelector('[data-testid="battery-sort"]');
        const t0 = performance.now();
        select.value = '${order}';
        select.dispatchEvent(new Event('change', { bubbles: true }));
        return (${PAINTED})(${PACKS}, t0);
      })()`),
    );
  }
  await page.context().close();
  return median(times);
}

export const benchmarks: Benchmark[] = [
  {
    name: 'battery-list: 1,000 packs rendered and painted, 360 px phone',
    unit: 'ms',
    target: 200,
    better: 'lower',
    run: () => withRig(() => routeRender(360)),
  },
  {
    name: 'battery-list: 1,000 packs rendered and painted, 1280 px',
    unit: 'ms',
    target: 200,
    better: 'lower',
    run: () => withRig(() => routeRender(1280)),
  },
  {
    name: 'battery-list: re-sort 1,000 packs, 1280 px',
    unit: 'ms',
    target: 200,
    better: 'lower',
    run: () => withRig(resort),
  },
];
