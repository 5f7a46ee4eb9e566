// The fleet overview in Chromium against the fixture server: counts at the top, the attention list worst first in
// words, stations as one line each that open on demand and stay open across a visit to a pack, the search, and
// polls that patch only the rows that changed.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { StationView } from '../../contract/http-api.ts';
import { demoStations } from './fixture-server.ts';
import { text, useDashboard, WAIT } from './harness.ts';

const { fx, open } = useDashboard();

/** `n` stations cloned from the fixture's one; only the first keeps its fault dock, the others are healthy. */
function fleetOf(n: number): StationView[] {
  const base = demoStations()[0];
  if (!base) throw new Error('the fixture has a station');
  return Array.from({ length: n }, (_, i) => {
    const id = `st-${String(i + 1).padStart(2, '0')}`;
    const docks = structuredClone(base.docks).map((d) => {
      if (d.battery) d.battery.id = `B-${i + 1}-${d.dock}`;
      if (i > 0 && d.dock === 3) {
        d.state = 'idle';
        delete d.reason;
        delete d.code;
        delete d.doNotDispatch;
        if (d.battery) {
          d.battery.tempsC = [25];
          d.battery.protection = [];
        }
      }
      return d;
    });
    return { ...structuredClone(base), stationId: id, docks };
  });
}

const attention = (page: Page) =>
  page
    .getByTestId('attention-item')
    .evaluateAll((els) =>
      els.map((e) => [
        e.getAttribute('data-severity'),
        e.getAttribute('data-kind'),
        e.getAttribute('data-station'),
        e.getAttribute('data-dock'),
      ]),
    );

describe('fleet overview', () => {
  it('shows counts, the attention list worst first in words, and collapsed station lines', async () => {
    fx.stations = fleetOf(6);
    const cells = fx.stations[4]?.docks[0]?.battery;
    if (!cells) throw new Error('dock 1 has a pack');
    cells.cellsV = cells.cellsV.map((v, i) => (i === 0 ? v + 0.206 : v)); // 206+ mV: the API rates it a fault
    const { page, errors } = await open('/', { width: 1280, height: 900 });
    await expect.poll(() => text(page, 'count-stations'), WAIT).toBe('6 von 6 Stationen online · 24 Docks');
    expect(await text(page, 'count-fault')).toBe('⚠1 Störung');
    expect(await text(page, 'count-charging')).toBe('⚡6 Lädt');
    await expect
      .poll(() => attention(page), WAIT)
      .toEqual([
        ['fault', 'dock-fault', 'st-01', '3'],
        ['fault', 'protection', 'st-01', '3'],
        ['fault', 'hot', 'st-01', '3'],
        ['fault', 'cell-spread', 'st-05', '1'],
      ]);
    const first = page.getByTestId('attention-item').first();
    expect(await first.getByTestId('attention-level').textContent()).toBe('⚠Störung');
    expect(await first.getByTestId('attention-text').textContent()).toMatch(/^Dock in Störung: E12 Akku zu heiß/);
    expect(await first.getByTestId('attention-where').textContent()).toContain('Station st-01 · Dock 3');
    expect(await text(page, 'count-attention')).toBe('⚠ 4 Störungen, 0 Warnungen');

    // One line per station, its worst level in words; no dock tiles until opened.
    expect(await page.locator('[data-testid^="station-line-"]').count()).toBe(6);
    expect(await text(page, 'station-level-st-01')).toBe('⚠Störung');
    expect(await text(page, 'station-level-st-02')).toBe('✓In Ordnung');
    expect(await page.locator('li.dock').count()).toBe(0);
    await page.getByTestId('station-toggle-st-05').click();
    await page.getByTestId('dock-spread-st-05-1').waitFor();
    expect(await text(page, 'dock-spread-st-05-1')).toMatch(/^⚠ 2\d\d mV Störung$/);
    expect(await page.getByTestId('station-toggle-st-05').getAttribute('aria-expanded')).toBe('true');

    await page.getByTestId('lang-toggle').click();
    await expect
      .poll(() => first.getByTestId('attention-text').textContent(), WAIT)
      .toMatch(/^Dock in fault: E12 Pack too hot/);
    expect(await text(page, 'count-attention')).toBe('⚠ 4 faults, 0 warnings');
    expect(errors).toEqual([]);
  });

  it('keeps open stations and the scroll place across a visit to a pack', async () => {
    fx.stations = fleetOf(40);
    const { page, errors } = await open('/', { width: 375, height: 700 });
    await page.getByTestId('station-toggle-st-30').waitFor();
    await page.getByTestId('station-toggle-st-30').click();
    await page.getByTestId('dock-link-st-30-1').scrollIntoViewIfNeeded();
    const y = await page.evaluate(() => window.scrollY);
    expect(y).toBeGreaterThan(500);
    await page.getByTestId('dock-link-st-30-1').click();
    await page.getByTestId('battery-page').waitFor();
    await page.getByTestId('back-link').click();
    await page.getByTestId('dock-link-st-30-1').waitFor();
    expect(await page.evaluate(() => window.scrollY)).toBe(y);
    expect(await page.getByTestId('station-toggle-st-30').getAttribute('aria-expanded')).toBe('true');
    expect(errors).toEqual([]);
  });

  it('finds a station by its id or by a pack in it, and filters the attention list with it', async () => {
    fx.stations = fleetOf(12);
    const { page, errors } = await open('/', { width: 1280, height: 900 });
    await page.getByTestId('station-line-st-12').waitFor();
    await page.getByTestId('fleet-search').fill('B-7-2');
    await expect.poll(() => page.locator('[data-testid^="station-line-"]').count(), WAIT).toBe(1);
    // Found by a pack inside: the station opens to show it.
    await page.getByTestId('dock-battery-st-07-2').waitFor();
    expect(await page.getByTestId('attention-item').count()).toBe(0);
    expect(await text(page, 'attention-note')).toBe('Nichts zu tun: keine Störung, keine Warnung.');
    await page.getByTestId('fleet-search').fill('st-01');
    await expect.poll(() => attention(page), WAIT).toHaveLength(3);
    await page.getByTestId('fleet-search').fill('nowhere');
    await expect.poll(() => text(page, 'fleet-search-note'), WAIT).toBe('Nichts passt zu „nowhere“.');
    expect(errors).toEqual([]);
  });

  it('patches only what changed: a poll keeps untouched rows and ranks a new fault with the faults', async () => {
    fx.stations = fleetOf(8);
    const { page, errors } = await open('/', { width: 1280, height: 900 });
    await expect.poll(() => attention(page), WAIT).toHaveLength(3);
    // Tag the live elements: a rebuilt row would lose the tag.
    await page.evaluate(() => {
      const rows = document.querySelectorAll('[data-testid^="station-line-"], [data-testid="attention-item"]');
      rows.forEach((el) => ((el as HTMLElement & { tagged?: boolean }).tagged = true));
    });
    const d = fx.stations[6]?.docks[1];
    if (!d) throw new Error('st-07 has dock 2');
    d.state = 'fault';
    d.reason = 'no-answer';
    // Ranked with the other dock fault (by station): second, above st-01's hot pack.
    await expect.poll(async () => (await attention(page))[1], WAIT).toEqual(['fault', 'dock-fault', 'st-07', '2']);
    const tagged = await page.evaluate(() =>
      Array.from(document.querySelectorAll('[data-testid^="station-line-"], [data-testid="attention-item"]')).map(
        (el) => `${el.getAttribute('data-key')}:${String((el as HTMLElement & { tagged?: boolean }).tagged ?? false)}`,
      ),
    );
    // Every old row is the same element; only the new fault row and st-07's changed line are new or patched.
    expect(tagged.filter((x) => x.endsWith(':false')).map((x) => x.split(':')[0])).toEqual([
      'dock-fault||st-07|2|B-7-2',
    ]);
    expect(await text(page, 'station-level-st-07')).toBe('⚠Störung');
    expect(errors).toEqual([]);
  });
});
