// Shared set-up of the dashboard page tests: one fixture server and one Debian Chromium (never a downloaded one) per
// test file, a fresh fixture and fresh browser context per test, and the page's console errors collected.
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { newFixture, startFixtureServer, type Fixture } from './fixture-server.ts';

/** Longer than two poll periods (2 s each), so one missed poll does not fail a test. */
export const WAIT = { timeout: 7000, interval: 100 };

export interface Opened {
  page: Page;
  /** console errors and uncaught exceptions on the page, each with the address it came from */
  errors: string[];
}

export interface Dashboard {
  /** The fixture the server answers from; replaced with a fresh one before every test. */
  fx: Fixture;
  /** `fakeClock`: Playwright's clock is installed before the page loads, so a test can pause the page's timers. */
  open(path?: string, viewport?: { width: number; height: number }, options?: { fakeClock?: boolean }): Promise<Opened>;
}

/** Registers the hooks; call once at the top of a test file. */
export function useDashboard(): Dashboard {
  const fx: Fixture = newFixture();
  let server: Server | undefined;
  let baseUrl = '';
  let browser: Browser | undefined;
  const pages: Page[] = [];

  beforeAll(async () => {
    ({ server, baseUrl } = await startFixtureServer(fx));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  });

  beforeEach(() => {
    Object.assign(fx, newFixture());
  });

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.context().close();
  });

  async function open(
    path = '/',
    viewport = { width: 375, height: 812 },
    options: { fakeClock?: boolean } = {},
  ): Promise<Opened> {
    if (!browser) throw new Error('the browser did not start');
    const context = await browser.newContext({ viewport, locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    pages.push(page);
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const from = msg.location().url;
      errors.push(`console: ${msg.text()}${from ? ` [${new URL(from).pathname}]` : ''}`);
    });
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    if (options.fakeClock) await page.clock.install();
    await page.goto(baseUrl + path);
    return { page, errors };
  }

  return { fx, open };
}

/** Text of a test id, with no-break spaces as plain spaces; null when the element is absent. */
export async function text(page: Page, testId: string): Promise<string | null> {
  const loc = page.getByTestId(testId);
  if ((await loc.count()) === 0) return null;
  return ((await loc.first().textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
}
