// Page tests of the battery list (`#/batteries`) on the fixture server: worst first on a 360 px phone, state in
// words as well as colour, "not enough data" instead of a number for an unknown estimate, sorting, filtering,
// search, and the same page in English.
import { describe, expect, it } from 'vitest';
import { manyBatteries } from './battery-fixtures.ts';
import { text, useDashboard, WAIT } from './harness.ts';

const { fx, open } = useDashboard();

/** The ids in the order the page lists them. */
const ids = (page: import('playwright-core').Page) =>
  page.locator('[data-testid="battery-rows"] > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));

describe('battery list', () => {
  it('lists every pack worst first on a 360 px phone, with words beside the colours', async () => {
    fx.batteries = manyBatteries(40, Date.now());
    const { page, errors } = await open('/#/batteries', { width: 360, height: 740 });
    await expect.poll(async () => (await ids(page)).length, WAIT).toBe(40);
    const order = await ids(page);
    // Faults first (packs 4, 15, 26, 37 carry one), lowest health first among them.
    const faults = fx.batteries
      .filter((b) => b.health.alerts.some((a) => a.severity === 'fault'))
      .map((b) => b.batteryId);
    expect(new Set(order.slice(0, faults.length))).toEqual(new Set(faults));
    const first = page.locator('[data-testid="battery-rows"] > li').first();
    expect(await first.locator('.bl-status').textContent()).toContain('Störung');
    // A pack without an estimate says so; never 0 %.
    const unknown = page.locator('[data-id="B-0001"]');
    expect(await unknown.locator('.bl-soh .bl-value').textContent()).toBe('zu wenig Daten');
    expect(await text(page, 'battery-summary')).toMatch(/^40 von 40 Akkus · 4 mit Störung · 8 mit Warnung$/);
    const widths = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
    await page.locator('[data-id="B-0002"] a').click();
    await expect.poll(() => page.url(), WAIT).toMatch(/#\/battery\/B-0002$/);
    expect(errors).toEqual([]);
  });

  it('sorts by cycles, filters by health under 80 %, searches, and reverses', async () => {
    fx.batteries = manyBatteries(40, Date.now());
    const { page, errors } = await open('/#/batteries', { width: 1280, height: 900 });
    await expect.poll(async () => (await ids(page)).length, WAIT).toBe(40);
    await page.getByTestId('battery-sort').selectOption('cycles');
    const cycles = (id: string | null) => fx.batteries?.find((b) => b.batteryId === id)?.health.cycles ?? -1;
    const byCycles = (await ids(page)).map(cycles);
    expect(byCycles).toEqual([...byCycles].sort((a, b) => b - a));
    await page.getByTestId('battery-reverse').click();
    const reversed = (await ids(page)).map(cycles);
    expect(reversed).toEqual([...reversed].sort((a, b) => a - b));

    await page.getByTestId('battery-filter').selectOption('replace');
    const low = fx.batteries
      .filter((b) => b.health.stateOfHealthPct !== null && b.health.stateOfHealthPct < 80)
      .map((b) => b.batteryId);
    expect(new Set(await ids(page))).toEqual(new Set(low));
    await page.getByTestId('battery-filter').selectOption('all');
    await page.getByTestId('battery-search').fill('B-002');
    expect(await ids(page)).toHaveLength(10);
    // The choices survive the polls that follow.
    await expect.poll(() => text(page, 'battery-summary'), WAIT).toMatch(/^10 von 40/);
    expect(errors).toEqual([]);
  });

  it('speaks English', async () => {
    fx.batteries = manyBatteries(8, Date.now());
    const { page, errors } = await open('/#/batteries', { width: 360, height: 740 });
    await expect.poll(async () => (await ids(page)).length, WAIT).toBe(8);
    await page.getByTestId('lang-toggle').click();
    await expect
      .poll(() => text(page, 'battery-summary'), WAIT)
      .toBe('8 of 8 batteries · 1 with a fault · 2 with a warning');
    expect(await page.locator('[data-id="B-0001"] .bl-soh .bl-value').textContent()).toBe('not enough data');
    expect(await page.getByTestId('batteries-nav').textContent()).toBe('Batteries');
    expect(errors).toEqual([]);
  });
});
