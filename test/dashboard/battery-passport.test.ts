// Page tests of the passport on the battery page (fixture server): the estimates with their uncertainty or "not
// enough data" and why, the health trend, one timeline of stays, sessions and alerts, and the work-record form that
// only a logged-in mechanic sees; the cell tiles keep each value on one line at 1280 px.
import { describe, expect, it } from 'vitest';
import { text, useDashboard, WAIT } from './harness.ts';

const { fx, open } = useDashboard();

describe('battery passport', () => {
  it('shows estimates with uncertainty, "not enough data" with the reason, the trend and the timeline', async () => {
    const { page, errors } = await open('/#/battery/B-0041', { width: 360, height: 740 });
    await page.getByTestId('passport-estimates').waitFor(WAIT);
    expect(await text(page, 'estimate-stateOfHealth')).toContain('91,5 % ± 1,8 %');
    expect(await text(page, 'estimate-stateOfHealth')).toContain('aus 4 Messungen');
    const ri = (await text(page, 'estimate-internalResistance')) ?? '';
    expect(ri).toContain('zu wenig Daten');
    // The reason by its code, in the page's language (the API's English `reason` is for scripts).
    expect(ri).toContain('Warum: noch kein Stromsprung gemessen');
    expect(ri).not.toMatch(/\b0 mΩ/);
    expect(await text(page, 'estimate-equivalentCycles')).toContain('BMS zählt 212');
    const soh = (await page.getByTestId('trend-soh').locator('svg path').getAttribute('d')) ?? '';
    expect(soh).toMatch(/^M[\d.]+,[\d.]+L/);
    const kinds = await page
      .getByTestId('passport-timeline')
      .locator('li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toEqual(['session', 'stay', 'cleared', 'alert', 'fault', 'stay']);
    expect(await text(page, 'passport-timeline')).toContain(
      'Ladung 21 % → 100 % · 15,2 Ah · 790 Wh · max. 38,5 °C · Ende: voll',
    );
    // The alert and its recovery worded by code and figure in German, not the API's English message.
    const timeline = (await text(page, 'passport-timeline')) ?? '';
    expect(timeline).toContain('Warnung: In 3 Ladungen zu heiß geworden: Ursache suchen');
    expect(timeline).toContain('Behoben: Zu oft zu heiß beim Laden – jetzt 3');
    expect(timeline).not.toContain('Pack ran above');
    // Without a login there is no form, only the hint.
    expect(await page.getByTestId('work-form').count()).toBe(0);
    expect(await text(page, 'work-login-hint')).toContain('als Mechaniker anmelden');
    const widths = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
    expect(errors).toEqual([]);
  });

  it('a logged-in mechanic records work through the form; it shows on the timeline and the trend', async () => {
    const { page, errors } = await open('/#/battery/B-0041', { width: 1280, height: 900 });
    await page.getByTestId('login-open').click();
    await page.locator('#login-user').fill('mechanic');
    await page.locator('#login-password').fill('pw-mechanic');
    await page.locator('#login-password').press('Enter');
    await page.getByTestId('work-form').waitFor(WAIT);
    await page.getByTestId('work-kind').selectOption('cell-rebalanced');
    await page.getByTestId('work-note').fill('Zelle 7 auf 3,92 V gebracht');
    await page.getByTestId('work-submit').click();
    await expect.poll(() => text(page, 'work-outcome'), WAIT).toBe('✓ Eingetragen: Zellen ausgeglichen');
    expect(fx.workRecords).toMatchObject([{ batteryId: 'B-0041', kind: 'cell-rebalanced', by: 'mechanic' }]);
    await expect
      .poll(() => page.getByTestId('passport-timeline').locator('li[data-kind="work"]').first().textContent(), WAIT)
      .toContain('Arbeit: Zellen ausgeglichen (mechanic) — Zelle 7 auf 3,92 V gebracht');
    expect(await page.getByTestId('trend-soh').locator('line.chart-mark').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('keeps every cell value on one line at 1280 px', async () => {
    const { page, errors } = await open('/#/battery/B-0041', { width: 1280, height: 900 });
    await page.getByTestId('battery-cells').waitFor(WAIT);
    const lines = await page
      .getByTestId('battery-cells')
      .locator('.cell')
      .evaluateAll((els) =>
        els.map((el) => {
          const value = el.querySelector('.cell-v');
          const lineHeight = value ? parseFloat(getComputedStyle(value).lineHeight) || 24 : 24;
          return [el.getBoundingClientRect().height, value?.getClientRects().length ?? 0, lineHeight];
        }),
      );
    for (const [tile, rects, lineHeight] of lines) {
      expect(rects).toBe(1);
      expect(tile).toBeLessThan(2 * (lineHeight ?? 24));
    }
    expect(errors).toEqual([]);
  });
});
