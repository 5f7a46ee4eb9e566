// Page tests of the battery page's history range: which query reaches the broker for each range, and that the page
// says which resolution the broker answered with.
import { describe, expect, it } from 'vitest';
import { text, useDashboard, WAIT } from './harness.ts';

const { fx, open } = useDashboard();
const DAY = 86_400_000;

const HOUR = 3_600_000;
/** The queries that asked for a range longer than the last hour. */
const ranged = () => fx.historyQueries.filter((q) => q.from !== undefined && Number(q.from) < Date.now() - 2 * HOUR);

describe('battery history range', () => {
  it('asks for exactly the last hour by default, and 30 days back per hour after picking "30 Tage"', async () => {
    const { page, errors } = await open('/#/battery/B-0041');
    await expect.poll(() => text(page, 'history-resolution'), WAIT).toBe('5-s-Werte');
    // "Last hour" is the last hour of 5-s samples (at most 720), not the newest 1,000 samples.
    expect(fx.historyQueries.length).toBeGreaterThan(0);
    for (const q of fx.historyQueries) {
      expect(Math.abs(Number(q.from) - (Date.now() - HOUR))).toBeLessThan(60_000);
      expect(q.resolution).toBe('5s');
      expect(Number(q.limit)).toBeGreaterThanOrEqual(720);
    }
    expect(await page.getByTestId('history-range-1h').getAttribute('aria-pressed')).toBe('true');
    expect(await text(page, 'history-range-1h')).toBe('Letzte Stunde');

    await page.getByTestId('history-range-30d').click();
    await expect.poll(() => ranged().length, WAIT).toBeGreaterThan(0);
    const query = ranged()[0];
    expect(Math.abs(Number(query?.from) - (Date.now() - 30 * DAY))).toBeLessThan(60_000);
    expect(query?.limit).toBe('2000');
    // A month per hour (720 points), not the finest table that reaches back that far.
    expect(query?.resolution).toBe('1h');
    await expect.poll(() => text(page, 'history-resolution'), WAIT).toBe('je Stunde');
    expect(await page.getByTestId('history-range-30d').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('history-range-1h').getAttribute('aria-pressed')).toBe('false');
    // Redrawn from the new points, which span 30 days: the axis shows dates now, not times of day.
    const d = await page.getByTestId('chart-voltage').locator('svg path').getAttribute('d');
    expect(d).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+/);
    expect(await text(page, 'chart-voltage')).toMatch(/\d\d\.\d\d\./);
    expect(errors).toEqual([]);
  });

  it('spans the chart over the whole hour and breaks the line at a gap in the samples', async () => {
    const { page, errors } = await open('/#/battery/B-0041', { width: 1280, height: 900 });
    await expect.poll(() => text(page, 'history-resolution'), WAIT).toBe('5-s-Werte');
    const d = (await page.getByTestId('chart-voltage').locator('svg path').getAttribute('d')) ?? '';
    // The fixture's samples cover the hour without a gap: one stroke from the left edge to the right one.
    expect(d.split('M')).toHaveLength(2);
    expect(Number(/^M([\d.]+),/.exec(d)?.[1])).toBeLessThan(2);
    // Ten minutes of samples missing in the middle: the line stops and starts again instead of bridging them.
    fx.historyGap = { fromAgoMs: 40 * 60_000, toAgoMs: 30 * 60_000 };
    await expect
      .poll(
        async () =>
          ((await page.getByTestId('chart-voltage').locator('svg path').getAttribute('d')) ?? '').split('M').length,
        WAIT,
      )
      .toBe(3);
    expect(errors).toEqual([]);
  });

  it('goes back to the default query when "Letzte Stunde" is picked again', async () => {
    const { page, errors } = await open('/#/battery/B-0041');
    await expect.poll(() => text(page, 'history-resolution'), WAIT).toBe('5-s-Werte');
    await page.getByTestId('history-range-7d').click();
    await expect.poll(() => ranged().length, WAIT).toBeGreaterThan(0);
    // A week per quarter-hour: 672 points instead of 120,960 five-second samples.
    await expect.poll(() => text(page, 'history-resolution'), WAIT).toBe('je 15 min');
    expect(Math.abs(Number(ranged()[0]?.from) - (Date.now() - 7 * DAY))).toBeLessThan(60_000);
    expect(ranged()[0]?.resolution).toBe('15m');
    const before = fx.historyQueries.length;
    await page.getByTestId('history-range-1h').click();
    await expect
      .poll(
        () => fx.historyQueries.slice(before).some((q) => Math.abs(Number(q.from) - (Date.now() - HOUR)) < 60_000),
        WAIT,
      )
      .toBe(true);
    expect(await page.getByTestId('history-range-1h').getAttribute('aria-pressed')).toBe('true');
    expect(errors).toEqual([]);
  });

  it('labels ranges and resolutions in English and fits a phone screen', async () => {
    const { page, errors } = await open('/#/battery/B-0041', { width: 375, height: 812 });
    await expect.poll(() => text(page, 'history-resolution'), WAIT).toBe('5-s-Werte');
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => text(page, 'history-range-1h'), WAIT).toBe('Last hour');
    expect(await text(page, 'history-range-30d')).toBe('30 days');
    expect(await text(page, 'history-resolution')).toBe('5-s samples');
    await page.getByTestId('history-range-1y').click();
    await expect.poll(() => text(page, 'history-resolution'), WAIT).toBe('per day');
    expect(Math.abs(Number(ranged()[0]?.from) - (Date.now() - 365 * DAY))).toBeLessThan(60_000);
    expect(ranged()[0]?.resolution).toBe('1d');

    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const button = await page.getByTestId('history-range-7d').boundingBox();
    expect(button?.height ?? 0).toBeGreaterThanOrEqual(44);
    expect(errors).toEqual([]);
  });
});
