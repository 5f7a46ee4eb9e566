// The rickshaw pages in Debian's Chromium against the real `rikscha demo`: the demo's rickshaw in bay 1 is listed
// with its odometer and its brake service due, the station's screen says so in plain words, a logged-in mechanic
// records the service on a 360 px phone and the interval resets; English works too.

import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage, requireChromium } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simStateSchema } from '../../contract/sim-api.ts';
import { startDemo, type DemoProcess } from '../support/demo-process.ts';
import { waitFor } from '../support/wait-for.ts';

const WAIT = { timeout: 20_000 };

let demo: DemoProcess;
let browser: Browser;
let page: Page;
let base: string;
let password: string;
let errors: string[] = [];

const textOf = async (testId: string) =>
  ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\u00a0/g, ' ');

beforeAll(async () => {
  requireChromium();
  demo = await startDemo();
  base = `http://127.0.0.1:${demo.httpPort}`;
  const creds = await waitFor(() => demo.logs.find((l) => l.user === 'mechanic' && typeof l.password === 'string'), {
    what: 'the mechanic password in the demo log',
  });
  password = String(creds.password);
  browser = await launchChromium();
  ({ page, errors } = await openPage(browser, { viewport: { width: 360, height: 740 }, timezoneId: 'Europe/Berlin' }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe('rickshaw pages on the demo', () => {
  it('lists the demo rickshaw with its odometer and the brake service due', async () => {
    await page.goto(`${base}/#/rickshaws`);
    const item = page.locator('[data-testid^="rickshaw-5a"]');
    await item.first().waitFor(WAIT);
    // The name and the odometer come from different messages of the demo: wait for both, then check the rest.
    const shown = async () => ((await item.first().textContent()) ?? '').replace(/\u00a0/g, ' ');
    await expect.poll(shown, WAIT).toContain('Rikscha 3');
    await expect.poll(shown, WAIT).toContain('512,0 km');
    const text = await shown();
    expect(text).toContain('fällig');
    expect(text).toContain('In Bucht 1 · demo-1');
  });

  it('shows the rickshaw page, readable at 360 px', async () => {
    await page.getByText('Rikscha 3').first().click();
    await page.getByTestId('rickshaw-page').waitFor(WAIT);
    await expect.poll(() => textOf('rk-odometer'), WAIT).toBe('512,0 km');
    expect(await textOf('rk-where')).toContain('In Bucht 1');
    const brakes = await textOf('service-brakes');
    expect(brakes).toContain('Bremsen prüfen');
    expect(brakes).toContain('fällig');
    expect(brakes).toContain('512,0 km');
    expect(await textOf('service-full-check')).toContain('in Ordnung');
    expect(await page.getByTestId('service-done-brakes').count()).toBe(0); // not logged in
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it("the station's screen says it in plain words", async () => {
    const lcd = await waitFor(
      async () => {
        const sim = simStateSchema.parse(await (await fetch(`${base}/api/sim`)).json());
        const lines = sim.ioBoard.lcd.map((l) => l.trim());
        return lines[0] === 'Rikscha 3:' ? lines : null;
      },
      { what: 'the rickshaw page on the station screen', timeoutMs: 40_000, intervalMs: 250 },
    );
    expect(lcd).toContain('Bremsen prüfen');
  }, 60_000);

  it('a mechanic records the brake service and the interval starts again', async () => {
    await page.getByTestId('login-open').click();
    await page.getByTestId('login-user').fill('mechanic');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('service-done-brakes').waitFor(WAIT);
    await page.getByTestId('service-done-brakes').click();
    await expect.poll(() => textOf('service-brakes'), WAIT).toContain('in Ordnung');
    const brakes = await textOf('service-brakes');
    expect(brakes).toContain('0,0 km');
    expect(brakes).toContain('mechanic');
    expect(brakes).toContain('fällig bei 1.012,0 km');
  });

  it('reads in English', async () => {
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => textOf('service-brakes'), WAIT).toContain('Check the brakes');
    expect(await textOf('service-brakes')).toContain('due at 1,012.0 km');
    expect(await textOf('rk-where')).toContain('In bay 1');
    expect(errors).toEqual([]);
  });
});
