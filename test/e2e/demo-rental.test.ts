// The rental desk through the dashboard on the REAL demo in Chromium at phone width: log in as the demo's mechanic,
// make the demo's rickshaw bookable, book a ride with one pack (the demo station's planner reserves it), check it out
// with the pack the dashboard ticks, and take it back with a problem report. The API's answers confirm each step.

import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingViewSchema, problemListSchema, type BookingView } from '../../contract/rental-api.ts';
import { rickshawListSchema } from '../../contract/rickshaw-api.ts';
import { startDemo, type DemoProcess } from '../support/demo-process.ts';
import { waitFor } from '../support/wait-for.ts';

const WAIT = { timeout: 15_000, interval: 100 };

let demo: DemoProcess;
let browser: Browser;
let password = '';
const base = () => `http://127.0.0.1:${demo.httpPort}`;

beforeAll(async () => {
  demo = await startDemo();
  const creds = await waitFor(() => demo.logs.find((l) => l.user === 'mechanic' && typeof l.password === 'string'), {
    what: 'the mechanic login in the demo log',
  });
  password = String(creds.password);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/** A datetime-local value for `ms` in UTC (the browser context runs in UTC). */
const utcLocal = (ms: number): string => new Date(ms).toISOString().slice(0, 16);

async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).first().textContent()) ?? '';
}

describe('the rental desk on the real demo', () => {
  it('books, checks out and returns a rickshaw through the dashboard at 360 px', async () => {
    const rickshaw = await waitFor(
      async () => rickshawListSchema.parse(await (await fetch(`${base()}/api/rickshaws`)).json()).items[0],
      { what: "the demo's rickshaw in the registry", timeoutMs: 30_000 },
    );
    const context = await browser.newContext({
      locale: 'de-DE',
      timezoneId: 'UTC',
      viewport: { width: 360, height: 740 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    await page.goto(`${base()}/#/rental`);
    await page.getByTestId('login-open').click();
    await page.getByTestId('login-user').fill('mechanic');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('rental-book').waitFor(WAIT);

    // Bookable from today for 30 days at the demo station.
    await page.getByTestId('rental-items').locator('summary').click();
    await page.getByTestId('tf-item').selectOption(rickshaw.id);
    await page.getByTestId('tf-station').selectOption('demo-1');
    await page.getByTestId('tf-submit').click();
    await expect.poll(() => text(page, 'rental-outcome'), WAIT).toBe('Zeitraum gespeichert.');

    // A ride starting now, one pack.
    const now = Date.now();
    await page.getByTestId('rental-book').locator('summary').click();
    await page.getByTestId('book-rickshaw').selectOption(rickshaw.id);
    await page.getByTestId('book-station').selectOption('demo-1');
    await page.getByTestId('book-pickup').fill(utcLocal(now + 60_000));
    await page.getByTestId('book-return').fill(utcLocal(now + 2 * 3_600_000));
    await page.getByTestId('book-packs').fill('1');
    await page.getByTestId('book-contact').fill('Ada');
    await page.getByTestId('book-submit').click();
    await expect.poll(() => text(page, 'rental-outcome'), WAIT).toBe('Fahrt für Ada gebucht.');
    const card = page.locator('[data-testid^="booking-B-"]').first();
    await card.waitFor(WAIT);
    const id = ((await card.getAttribute('data-testid')) ?? '').replace(/^booking-/, '');
    expect(await card.getByTestId('booking-state').textContent()).toBe('gebucht');

    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const booking = async (): Promise<BookingView> =>
      bookingViewSchema.parse(await (await fetch(`${base()}/api/bookings/${id}`, { headers: { cookie } })).json());
    // The demo station's planner reserved a pack and said in which dock; the dashboard ticks that pack.
    const reserved = await waitFor(async () => ((await booking()).reservation.docks.length === 1 ? booking() : null), {
      what: 'the station to name the reserved dock',
      timeoutMs: 20_000,
    });
    expect(reserved.reservation.state).toBe('reserved');
    const form = page.getByTestId(`rental-checkout-${id}`);
    await expect.poll(() => form.locator('input[type=checkbox]:checked').count(), WAIT).toBe(1);
    await form.getByRole('button').click();
    await expect.poll(() => card.getByTestId('booking-state').textContent(), WAIT).toBe('unterwegs');
    const out = await booking();
    expect(out.state).toBe('out');
    expect(out.checkout?.packs).toHaveLength(1);
    expect(out.checkout?.packs[0]?.socOutPct).toBeGreaterThan(0);

    const back = page.getByTestId(`rental-return-${id}`);
    await back.getByTestId('rental-problem').fill('Klingel fehlt');
    await back.getByRole('button').click();
    await expect.poll(() => card.getByTestId('booking-state').textContent(), WAIT).toBe('zurück');
    await expect.poll(() => text(page, 'rental-problems'), WAIT).toContain('Klingel fehlt');
    expect((await booking()).state).toBe('returned');
    const problems = problemListSchema.parse(
      await (await fetch(`${base()}/api/rental/problems`, { headers: { cookie } })).json(),
    );
    expect(problems.items.map((p) => [p.bookingId, p.text])).toEqual([[id, 'Klingel fehlt']]);

    // Usable at phone width: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(errors).toEqual([]);
    await context.close();
  });
});
