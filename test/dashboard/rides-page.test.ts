// The ride-request page in Debian's Chromium against a real central serving the dashboard, on a 360 px phone:
// logged out it shows nothing; a logged-in staff member takes a request on the form, sees it listed with its needs
// and deletion date, and cancels it; in German and English.

import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral } from '../broker/helpers.ts';
import { DASHBOARD_DIR } from './fixture-server.ts';

const WAIT = { timeout: 10_000 };

let t: Awaited<ReturnType<typeof startTestCentral>>;
let browser: Browser;
let page: Page;
let password: string;
let errors: string[] = [];

beforeAll(async () => {
  t = await startTestCentral({ dashboardDir: DASHBOARD_DIR });
  password = t.central.addMechanic('desk');
  browser = await launchChromium();
  ({ page, errors } = await openPage(browser, { viewport: { width: 360, height: 740 } }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('ride request page', () => {
  it('logged out: nothing to see', async () => {
    await page.goto(`http://127.0.0.1:${t.central.httpPort}/#/rides`);
    await page.getByTestId('rides-login-first').waitFor(WAIT);
    expect(await page.getByTestId('ride-form').count()).toBe(0);
  });

  it('staff take a request on the form, see it listed, and cancel it', async () => {
    await page.getByTestId('login-open').click();
    await page.getByTestId('login-user').fill('desk');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('session-user').waitFor(WAIT);
    await page.getByTestId('rides-nav').click();
    await page.getByTestId('ride-form').waitFor(WAIT);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByTestId('ride-name').fill('Mila');
    await page.getByTestId('ride-pickup').fill('Eingang Seniorenhaus');
    await page.getByTestId('ride-when').fill('2030-05-04T10:30');
    await page.getByTestId('ride-need-wheelchair-ramp').check();
    await page.getByTestId('ride-save').click();
    const ride = page.getByTestId('ride').filter({ hasText: 'Mila' });
    await ride.first().waitFor(WAIT);
    const text = (await ride.first().textContent()) ?? '';
    expect(text).toContain('Eingang Seniorenhaus');
    expect(text).toContain('Rollstuhlrampe');
    expect(text).toContain('Wird gelöscht am');
    await page.getByTestId('lang-toggle').click();
    await expect.poll(async () => (await ride.first().textContent()) ?? '', WAIT).toContain('Wheelchair ramp');
    await page.getByTestId('ride-cancel').first().click();
    await expect.poll(() => page.getByTestId('ride').count(), WAIT).toBe(0);
    const list = (await (
      await fetch(`http://127.0.0.1:${t.central.httpPort}/api/ride-requests`, {
        headers: { authorization: `Basic ${Buffer.from(`desk:${password}`).toString('base64')}` },
      })
    ).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    expect(errors).toEqual([]);
  });
});
