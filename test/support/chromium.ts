// Debian's Chromium for the browser tests, headless with the project's flags; never a downloaded browser.

import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Throws naming the package when /usr/bin/chromium is missing (before a test starts anything else). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install it with \`apt-get install chromium\` (the tests never download a browser).`,
    );
  }
}

/** Launches /usr/bin/chromium; throws naming the package when it is missing. */
export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface OpenedPage {
  page: Page;
  /** The page's uncaught exceptions and console errors. */
  errors: string[];
}

/**
 * A page in a fresh German context that collects its uncaught exceptions and console errors. The 404 a central
 * without a simulator gives the page's one question for /api/sim is expected and not collected.
 */
export async function openPage(
  browser: Browser,
  opts: { viewport: { width: number; height: number }; timezoneId?: string },
): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: opts.viewport,
    locale: 'de-DE',
    ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.location().url.endsWith('/api/sim')) errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return { page, errors };
}
