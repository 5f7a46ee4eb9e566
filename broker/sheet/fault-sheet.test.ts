// The printable sheet lists every code of the table, and Chromium renders it to an A4 PDF (page.pdf).

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FAULT_CODES } from '../../contract/fault-codes.ts';
import { faultSheetHtml } from './fault-sheet.ts';

const CHROMIUM = '/usr/bin/chromium';

describe('fault-code sheet', () => {
  it('has one row per code, with its title and action', () => {
    const html = faultSheetHtml();
    for (const e of FAULT_CODES) {
      expect(html).toContain(`data-code="${e.code}"`);
      expect(html).toContain(e.text.de.action);
    }
  });

  it('renders to an A4 PDF in Chromium, every code on it', { timeout: 60_000 }, async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      await page.setContent(faultSheetHtml());
      const shown = await page.locator('[data-code] td.code').allInnerTexts();
      expect(shown.sort()).toEqual(FAULT_CODES.map((e) => e.code).sort());
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
      expect(pages.length).toBeGreaterThanOrEqual(1);
      expect(pages.length).toBeLessThanOrEqual(3);
    } finally {
      await browser.close();
    }
  });
});
