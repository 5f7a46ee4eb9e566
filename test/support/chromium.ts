// Debian's Chromium for the browser tests, headless with the project's flags; never a downloaded browser.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
