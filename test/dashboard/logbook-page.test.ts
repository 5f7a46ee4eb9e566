// The trainee logbook page in Debian's Chromium against a real central serving the dashboard, on a 360 px phone: two
// procedure runs published over MQTT as a station; logged out the page lists them with the trainee number and shows
// no names; a logged-in mechanic assigns the unassigned run to a number, sets a name and removes it, and the API
// confirms each.

import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logbookListSchema, traineeNameListSchema } from '../../contract/logbook.ts';
import type { StationEvent } from '../../contract/messages.ts';
import { topics } from '../../contract/topics.ts';
import { startTestCentral } from '../broker/helpers.ts';
import { waitFor } from '../support/wait-for.ts';
import { DASHBOARD_DIR } from './fixture-server.ts';

const WAIT = { timeout: 10_000 };
const STATION = 'st-a';

let t: Awaited<ReturnType<typeof startTestCentral>>;
let browser: Browser;
let page: Page;
let password: string;
let errors: string[] = [];

/** The start and end events of one finished run, as a station sends them. */
function run(seq: number, runId: string, trainee: number | null, at: number): StationEvent[] {
  const base = { runId, procedureId: 'swap-pack', title: 'Akku tauschen', trainee, dock: 1 };
  const ev = (n: number, type: string, ts: number, data: Record<string, unknown>): StationEvent => ({
    stationId: STATION,
    ts,
    seq: n,
    type,
    severity: 'info',
    message: type,
    data,
  });
  return [
    ev(seq, 'procedure-started', at, { ...base, steps: 2 }),
    ev(seq + 1, 'procedure-ended', at + 60_000, {
      ...base,
      outcome: 'done',
      reason: 'done',
      stepsDone: 2,
      steps: 2,
      startedAt: at,
      durationMs: 60_000,
      chargerHeldOff: false,
    }),
  ];
}

async function runs() {
  return logbookListSchema.parse(await (await t.http('/api/logbook')).json()).items;
}

beforeAll(async () => {
  t = await startTestCentral({ dashboardDir: DASHBOARD_DIR, stations: [STATION] });
  password = t.central.addMechanic('anleiterin');
  const station = await t.station(STATION);
  const now = Date.now();
  for (const e of [...run(1, 'run-picked', 7, now - 3_600_000), ...run(3, 'run-open', null, now - 600_000)])
    await station.publishAsync(topics.event(STATION), JSON.stringify(e), { qos: 1 });
  await station.endAsync();
  await waitFor(async () => (await runs()).filter((r) => r.outcome === 'done').length === 2, {
    what: 'both runs in the central logbook',
    timeoutMs: 10_000,
  });
  browser = await launchChromium();
  ({ page, errors } = await openPage(browser, { viewport: { width: 360, height: 740 } }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const runItem = (id: string) => page.locator(`[data-testid="logbook-run"][data-run="${id}"]`);

describe('trainee logbook page', () => {
  it('logged out: the runs with their trainee numbers, no names and no staff forms', async () => {
    const names: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/trainee-names')) names.push(r.url());
    });
    await page.goto(`http://127.0.0.1:${t.central.httpPort}/#/logbook`);
    await runItem('run-picked').waitFor(WAIT);
    expect(await runItem('run-picked').getByTestId('logbook-run-trainee').textContent()).toBe('Nr. 7');
    expect(await runItem('run-open').getByTestId('logbook-run-trainee').textContent()).toBe('nicht zugeordnet');
    const trainee = page.locator('[data-testid="logbook-trainee"][data-trainee="7"]');
    expect(await trainee.textContent()).toContain('swap-pack: 1 erledigt');
    expect(await trainee.getByTestId('logbook-csv').getAttribute('href')).toBe('/api/trainees/7/logbook.csv');
    expect(await trainee.getByTestId('logbook-sheet').getAttribute('href')).toBe('/sheet/trainees/7');
    await page.getByTestId('logbook-login-hint').waitFor(WAIT);
    expect(await page.getByTestId('logbook-names').count()).toBe(0);
    expect(await page.getByTestId('logbook-assign').count()).toBe(0);
    expect(names).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it('a mechanic assigns the unassigned run to a number and names that number', async () => {
    await page.getByTestId('login-open').click();
    await page.getByTestId('login-user').fill('anleiterin');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('session-user').waitFor(WAIT);
    await page.getByTestId('logbook-assign').waitFor(WAIT);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByTestId('logbook-assign-number').fill('12');
    await page.getByTestId('logbook-assign-save').click();
    await expect
      .poll(async () => (await runItem('run-open').getByTestId('logbook-run-trainee').textContent()) ?? '', WAIT)
      .toBe('Nr. 12');
    await page.getByTestId('logbook-name-number').fill('12');
    await page.getByTestId('logbook-name-input').fill('Samira');
    await page.getByTestId('logbook-name-save').click();
    await page.locator('[data-testid="logbook-name"][data-trainee="12"]').waitFor(WAIT);
    expect(await page.locator('[data-testid="logbook-trainee"][data-trainee="12"]').textContent()).toContain('Samira');

    const open = (await runs()).find((r) => r.runId === 'run-open');
    expect(open).toMatchObject({ trainee: 12, assignedBy: 'anleiterin' });
    const auth = { authorization: `Basic ${Buffer.from(`anleiterin:${password}`).toString('base64')}` };
    const names = traineeNameListSchema.parse(await (await t.http('/api/trainee-names', { headers: auth })).json());
    expect(names.items).toEqual([expect.objectContaining({ trainee: 12, name: 'Samira', updatedBy: 'anleiterin' })]);
    // Names are staff-only: without a login the API refuses.
    expect((await t.http('/api/trainee-names')).status).toBe(401);

    // Removing the name takes it out of the table (and the API) again; the number's record stays.
    await page.getByTestId('logbook-name-remove').click();
    await expect.poll(() => page.getByTestId('logbook-name').count(), WAIT).toBe(0);
    const after = traineeNameListSchema.parse(await (await t.http('/api/trainee-names', { headers: auth })).json());
    expect(after.items).toEqual([]);

    await page.getByTestId('lang-toggle').click();
    await expect
      .poll(async () => (await runItem('run-picked').getByTestId('logbook-run-trainee').textContent()) ?? '', WAIT)
      .toBe('No. 7');
    expect(errors).toEqual([]);
  });
});
