// The fleet overview in Debian's Chromium against real systems: a central fed over MQTT by 50 simulated stations of
// 8 docks, where a fault injected at one dock must top the attention list within one poll of the page; and the real
// demo (`rikscha demo`), whose overview shows the counts and its station's line.

import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionListSchema, stationListSchema } from '../../contract/http-api.ts';
import { startFleet, type Fleet } from '../../bench/support/fleet-publishers.ts';
import { startDemo, type DemoProcess } from '../support/demo-process.ts';
import { waitFor } from '../support/wait-for.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function openPage(url: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url);
  return { page, errors };
}

const topItem = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('[data-testid="attention-item"]');
    return el
      ? {
          kind: el.getAttribute('data-kind'),
          station: el.getAttribute('data-station'),
          dock: el.getAttribute('data-dock'),
          text: el.textContent ?? '',
        }
      : null;
  });

describe('fleet overview against a central fed by 50 stations', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet({ stations: 50, docks: 8 });
    await waitFor(
      async () => {
        const list = stationListSchema.parse(await (await fetch(`${fleet.baseUrl}/api/stations`)).json());
        return list.items.length === 50 && list.items.every((s) => s.docks.length === 8);
      },
      { what: '50 stations with 8 docks each in the API', timeoutMs: 60_000 },
    );
  }, 90_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it('asks for the stations and the attention list once, from boot.js, before its main script has run', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    /** Each API request before the first paint, with the script that sent it. */
    const sent: Array<{ path: string; from: string }> = [];
    cdp.on('Network.requestWillBeSent', (e) => {
      const path = new URL(e.request.url).pathname;
      if (!path.startsWith('/api/')) return;
      const frame = e.initiator.stack?.callFrames[0];
      sent.push({ path, from: frame ? new URL(frame.url).pathname : e.initiator.type });
    });
    await cdp.send('Network.enable');
    await page.goto(fleet.baseUrl);
    await page.getByTestId('station-line-st-50').waitFor({ timeout: 15_000 });
    const firstPaint = [...sent];
    await context.close();
    // Sent by the small classic script, not after the joined script had loaded and run; and asked once, so the page
    // drew from those answers.
    expect(firstPaint.filter((r) => r.path === '/api/stations')).toEqual([{ path: '/api/stations', from: '/boot.js' }]);
    expect(firstPaint.filter((r) => r.path === '/api/attention')).toEqual([
      { path: '/api/attention', from: '/boot.js' },
    ]);
  }, 60_000);

  it('puts a fault injected at one dock at the top of the attention list within one poll', async () => {
    const { page, errors } = await openPage(fleet.baseUrl);
    await page.getByTestId('station-line-st-50').waitFor({ timeout: 15_000 });
    // The simulated fleet has warm packs and spread cells: warnings, and no fault yet.
    await waitFor(async () => (await topItem(page))?.kind, { what: 'the first attention items', timeoutMs: 15_000 });
    expect(await page.locator('[data-testid="attention-item"][data-severity="fault"]').count()).toBe(0);
    let started = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/attention') started += 1;
    });

    await fleet.patchDock('st-23', 5, { state: 'fault', reason: 'no-answer', code: 'E31' });
    await waitFor(
      async () => {
        const api = attentionListSchema.parse(await (await fetch(`${fleet.baseUrl}/api/attention`)).json());
        return api.items[0]?.stationId === 'st-23' && api.items[0].dock === 5;
      },
      { what: 'the central to list the fault first', timeoutMs: 10_000 },
    );
    // Every poll that starts from now on must show it: the first one is allowed, no second.
    const pollsBefore = started;
    const top = await waitFor(
      async () => {
        const item = await topItem(page);
        return item?.station === 'st-23' && item.dock === '5' ? item : null;
      },
      { what: 'the fault at the top of the page', timeoutMs: 10_000 },
    );
    expect(started - pollsBefore).toBeLessThanOrEqual(1);
    expect(top.kind).toBe('dock-fault');
    // In words, not only colour: the level and where.
    expect(top.text).toContain('Störung');
    expect(top.text).toContain('Station st-23 · Dock 5');
    expect(await page.getByTestId('station-level-st-23').textContent()).toContain('Störung');
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('fleet overview against the real demo', () => {
  let demo: DemoProcess;

  beforeAll(async () => {
    demo = await startDemo();
  }, 60_000);

  afterAll(async () => {
    await demo?.stop();
  });

  it('shows the counts and the demo station as a line, open since it is the only one', async () => {
    const { page, errors } = await openPage(`http://127.0.0.1:${demo.httpPort}/`);
    await expect
      .poll(
        async () =>
          (await page
            .getByTestId('count-stations')
            .textContent()
            .catch(() => null)) ?? '',
        {
          timeout: 20_000,
          interval: 200,
        },
      )
      .toMatch(/^1 von 1 Stationen online · \d+ Docks$/);
    const lines = page.locator('[data-testid^="station-line-"]');
    expect(await lines.count()).toBe(1);
    const id = ((await lines.first().getAttribute('data-testid')) ?? '').replace('station-line-', '');
    expect(await page.getByTestId(`station-toggle-${id}`).getAttribute('aria-expanded')).toBe('true');
    // The station's status can arrive before its first telemetry (then "0 Docks"): its docks show with the next poll.
    await expect
      .poll(() => page.getByTestId(`station-${id}`).locator('li.dock').count(), { timeout: 20_000, interval: 200 })
      .toBeGreaterThan(0);
    expect(await page.getByTestId('attention').count()).toBe(1);
    expect(errors).toEqual([]);
  }, 60_000);
});
