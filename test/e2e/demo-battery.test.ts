// The battery list and passport against the REAL demo (`rikscha demo` on free ports): a pack's page shows its
// estimates (or "not enough data"), its timeline, and a work record a mechanic adds through the page's form; a
// request to add a record without a login is refused. The demo's answers are parsed with their contract schemas.

import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passportSchema, type Passport } from '../../contract/battery-health.ts';
import { batteryListSchema } from '../../contract/http-api.ts';
import { startDemo, type DemoProcess } from '../support/demo-process.ts';
import { waitFor } from '../support/wait-for.ts';

let demo: DemoProcess;
let browser: Browser;
let batteryId = '';
let password = '';
const base = () => `http://127.0.0.1:${demo.httpPort}`;
const get = async (path: string): Promise<unknown> => (await fetch(`${base()}${path}`)).json();
const passport = async (): Promise<Passport> =>
  passportSchema.parse(await get(`/api/batteries/${encodeURIComponent(batteryId)}/passport`));

beforeAll(async () => {
  demo = await startDemo();
  const creds = await waitFor(() => demo.logs.find((l) => l.user === 'mechanic' && typeof l.password === 'string'), {
    what: 'the mechanic login in the demo log',
  });
  password = String(creds.password);
  const list = await waitFor(
    async () => {
      const items = batteryListSchema.parse(await get('/api/batteries')).items;
      return items.length > 0 ? items : null;
    },
    { what: 'the demo to report its batteries', timeoutMs: 30_000 },
  );
  batteryId = list[0]?.batteryId ?? '';
  // The timeline's stays come from the stored history: wait until the pack has one.
  await waitFor(async () => ((await passport()).stays.length > 0 ? true : null), {
    what: `a stay in the passport of ${batteryId}`,
    timeoutMs: 30_000,
  });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  await page.goto(`${base()}${path}`);
  return { page, errors };
}

describe('battery pages on the real demo', () => {
  it('refuses a work record without a login (401) and with a made-up session (401)', async () => {
    const url = `${base()}/api/batteries/${encodeURIComponent(batteryId)}/work-records`;
    const body = JSON.stringify({ kind: 'inspected' });
    const anonymous = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(anonymous.status).toBe(401);
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'rikscha_session=0123456789abcdef' },
      body,
    });
    expect(forged.status).toBe(401);
    expect((await passport()).workRecords).toEqual([]);
  });

  it('lists the pack, shows its estimates or "not enough data", and its timeline', async () => {
    const { page, errors } = await openPage('/#/batteries');
    await page.locator(`[data-testid="battery-rows"] > li[data-id="${batteryId}"]`).waitFor({ timeout: 15_000 });
    await page.locator(`[data-id="${batteryId}"] a`).click();
    await page.getByTestId('passport-estimates').waitFor({ timeout: 15_000 });
    const p = await passport();
    const soh = ((await page.getByTestId('estimate-stateOfHealth').textContent()) ?? '').replace(/\u00a0/g, ' ');
    if (p.estimates.stateOfHealth.status === 'ok') expect(soh).toMatch(/\d+,\d %/);
    else expect(soh).toContain('zu wenig Daten');
    expect(soh).not.toMatch(/^\D*0,0 %/);
    const ri = ((await page.getByTestId('estimate-internalResistance').textContent()) ?? '').replace(/\u00a0/g, ' ');
    if (p.estimates.internalResistance.status === 'ok') expect(ri).toMatch(/\d+,\d mΩ/);
    else expect(ri).toContain('zu wenig Daten');
    const stay = p.stays[0];
    await expect
      .poll(() => page.getByTestId('passport-timeline').textContent(), { timeout: 10_000 })
      .toContain(`An ${stay?.stationId}, Dock ${stay?.dock}`);
    // Without a login there is no form.
    expect(await page.getByTestId('work-form').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 40_000);

  it('a mechanic logged in on the page records work through the form; the timeline shows it', async () => {
    const { page, errors } = await openPage(`/#/battery/${encodeURIComponent(batteryId)}`);
    await page.getByTestId('login-open').click();
    await page.locator('#login-user').fill('mechanic');
    await page.locator('#login-password').fill(password);
    await page.locator('#login-password').press('Enter');
    await page.getByTestId('work-form').waitFor({ timeout: 15_000 });
    await page.getByTestId('work-kind').selectOption('connector-replaced');
    await page.getByTestId('work-note').fill('Stecker am Dock gewechselt');
    await page.getByTestId('work-submit').click();
    await expect
      .poll(() => page.getByTestId('work-outcome').textContent(), { timeout: 10_000 })
      .toBe('✓ Eingetragen: Stecker getauscht');
    const records = (await passport()).workRecords;
    expect(records).toMatchObject([
      { batteryId, kind: 'connector-replaced', by: 'mechanic', note: 'Stecker am Dock gewechselt' },
    ]);
    await expect
      .poll(() => page.getByTestId('passport-timeline').locator('li[data-kind="work"]').count(), { timeout: 10_000 })
      .toBe(1);
    expect(await page.getByTestId('passport-timeline').locator('li[data-kind="work"]').textContent()).toContain(
      'Arbeit: Stecker getauscht (mechanic) — Stecker am Dock gewechselt',
    );
    expect(errors).toEqual([]);
  }, 40_000);
});
