// The audit trail page in Debian's Chromium against a real central serving the dashboard: a mechanic logs in on
// the form and finds that login on `#/audit`, beside a refused MQTT guess; logged out, the page shows no entries
// and the server refuses the list.

import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connackCode, startTestCentral } from '../broker/helpers.ts';
import { DASHBOARD_DIR } from './fixture-server.ts';

/** Longer than two poll periods of the page (2 s each). */
const WAIT = { timeout: 10_000 };

let t: Awaited<ReturnType<typeof startTestCentral>>;
let browser: Browser;
let page: Page;
let password: string;
let errors: string[] = [];

beforeAll(async () => {
  t = await startTestCentral({ dashboardDir: DASHBOARD_DIR });
  password = t.central.addMechanic('werkstatt');
  browser = await launchChromium();
  ({ page, errors } = await openPage(browser, { viewport: { width: 360, height: 740 }, timezoneId: 'Europe/Berlin' }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('audit trail page', () => {
  it('logged out: no entries on the page, and the server refuses the list', async () => {
    await page.goto(`http://127.0.0.1:${t.central.httpPort}/#/audit`);
    await page.getByTestId('audit-login-first').waitFor(WAIT);
    expect(await page.getByTestId('audit-entry').count()).toBe(0);
    expect(await page.getByTestId('audit-nav').count()).toBe(0);
    expect(await page.evaluate(async () => (await fetch('/api/audit')).status)).toBe(401);
    errors.length = 0; // that 401 was asked for
  });

  it('shows the mechanic their own login and a refused MQTT guess', async () => {
    expect(await connackCode(t.mqttPort, { clientId: 'eindringling', username: 'eindringling', password: 'x' })).toBe(
      4,
    );
    await page.getByTestId('login-open').click();
    await page.getByTestId('login-user').fill('werkstatt');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('session-user').waitFor(WAIT);
    await page.getByTestId('audit-nav').click();
    const mine = page.getByTestId('audit-entry').filter({ hasText: 'werkstatt' });
    await mine.first().waitFor(WAIT);
    const text = (await mine.first().textContent()) ?? '';
    expect(text).toContain('Anmeldung');
    expect(text).toContain('erfolgreich');
    expect(text).toContain('über Dashboard');
    expect(text).not.toContain(password);
    const guess = page.getByTestId('audit-entry').filter({ hasText: 'eindringling' });
    await expect.poll(async () => (await guess.first().textContent()) ?? '', WAIT).toContain('abgelehnt');
    expect((await guess.first().textContent()) ?? '').toContain('bad_credentials');
    // Only commands: the logins go.
    await page.getByTestId('audit-kind-command').click();
    await expect.poll(() => page.getByTestId('audit-entry').count(), WAIT).toBe(0);
    await page.getByTestId('audit-kind-login').click();
    await mine.first().waitFor(WAIT);
    // English too.
    await page.getByTestId('lang-toggle').click();
    await expect.poll(async () => (await mine.first().textContent()) ?? '', WAIT).toContain('succeeded');
    // A 360 px phone: header with the extra link, and the entries, without scrolling sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(errors).toEqual([]);
  });
});
