// Page tests of the mechanics' dashboard: real Chromium (Debian's, never a downloaded one) against a fixture server
// that serves dashboard/ and fakes the API. The full system end to end is tested elsewhere.
import { describe, expect, it } from 'vitest';
import { text, useDashboard, WAIT } from './harness.ts';

const { fx, open } = useDashboard();

function dock(n: number) {
  const d = fx.stations[0]?.docks[n - 1];
  if (!d) throw new Error(`fixture has no dock ${n}`);
  return d;
}

describe('dashboard overview', () => {
  it('renders the station card and its four docks with the fixture values', async () => {
    const { page, errors } = await open();
    await page.getByTestId('station-demo-1').waitFor();
    expect(await page.getByTestId('station-demo-1').locator('li.dock').count()).toBe(4);
    for (const n of [1, 2, 3, 4]) expect(await page.getByTestId(`dock-demo-1-${n}`).count()).toBe(1);

    expect(await text(page, 'station-status-demo-1')).toContain('Online');
    expect(await text(page, 'station-lastseen-demo-1')).toMatch(/^Zuletzt gemeldet vor \d+ s$/);
    expect(await text(page, 'station-missing-demo-1')).toBe('3 Nachrichten fehlen');

    expect(await text(page, 'dock-state-demo-1-1')).toContain('Lädt');
    expect(await text(page, 'dock-voltage-demo-1-1')).toBe('51,8 V');
    expect(await text(page, 'dock-current-demo-1-1')).toBe('4,8 A');
    expect(await text(page, 'dock-temp-demo-1-1')).toBe('32 °C');
    expect(await text(page, 'dock-soc-demo-1-1')).toBe('63 %');
    expect(await text(page, 'dock-spread-demo-1-1')).toBe('16 mV');
    expect(await text(page, 'dock-battery-demo-1-1')).toContain('B-0041');
    expect(await text(page, 'dock-state-demo-1-2')).toContain('Voll');
    expect(await text(page, 'dock-voltage-demo-1-2')).toBe('54,5 V');
    expect(await text(page, 'dock-state-demo-1-4')).toContain('Leer');
    expect(await text(page, 'dock-battery-demo-1-4')).toBe('Kein Akku eingesetzt');
    expect(await text(page, 'dock-voltage-demo-1-4')).toBeNull();
    // The state is also a class (for the colour), never the colour alone.
    expect(await page.getByTestId('dock-demo-1-3').getAttribute('class')).toContain('state-fault');

    // A docked battery links to its page.
    await page.getByTestId('dock-link-demo-1-1').click();
    await page.getByTestId('battery-page').waitFor();
    expect(page.url()).toMatch(/#\/battery\/B-0041$/);
    expect(errors).toEqual([]);
  });

  it('shows a new voltage after the next poll', async () => {
    const { page, errors } = await open();
    await expect.poll(() => text(page, 'dock-voltage-demo-1-1'), WAIT).toBe('51,8 V');
    const polls = fx.stationPolls;
    const d = dock(1);
    if (!d.battery) throw new Error('dock 1 has a battery in the fixture');
    d.battery.voltageV = 52.35;
    d.battery.socPct = 66;
    await expect.poll(() => text(page, 'dock-voltage-demo-1-1'), WAIT).toBe('52,4 V');
    expect(await text(page, 'dock-soc-demo-1-1')).toBe('66 %');
    expect(fx.stationPolls).toBeGreaterThan(polls);
    expect(errors).toEqual([]);
  });

  it('shows a fault dock with its reason and the do-not-dispatch flag', async () => {
    const { page, errors } = await open();
    // Named by its code from GET /api/fault-codes, in the reader's language; the station's reason in brackets.
    await expect
      .poll(() => text(page, 'dock-reason-demo-1-3'), WAIT)
      .toBe('⚠ Grund: E12 Akku zu heiß: Warten bis grün (over-temperature)');
    expect(await page.getByTestId('dock-reason-demo-1-3').getAttribute('title')).toMatch(/^Der Akku ist zu heiß/);
    // The table's longer explanation shows under it, not only as a tooltip a phone never shows.
    expect(await text(page, 'dock-explain-demo-1-3')).toMatch(/^Der Akku ist zu heiß/);
    expect(await text(page, 'dock-state-demo-1-3')).toContain('Störung');
    expect(await text(page, 'dock-dnd-demo-1-3')).toContain('Nicht ausgeben');
    expect(await text(page, 'dock-temp-demo-1-3')).toContain('heiß');
    expect(await text(page, 'dock-protection-demo-1-3')).toContain('charge-over-temperature');
    // Healthy docks carry neither.
    expect(await text(page, 'dock-reason-demo-1-1')).toBeNull();
    expect(await text(page, 'dock-dnd-demo-1-1')).toBeNull();
    expect(await text(page, 'dock-explain-demo-1-1')).toBeNull();
    await page.getByTestId('lang-toggle').click();
    await expect
      .poll(() => text(page, 'dock-reason-demo-1-3'), WAIT)
      .toBe('⚠ Reason: E12 Pack too hot: Wait for green (over-temperature)');
    expect(errors).toEqual([]);
  });

  it('switches labels between German and English and remembers the choice', async () => {
    const { page, errors } = await open();
    await expect.poll(() => text(page, 'dock-state-demo-1-1'), WAIT).toContain('Lädt');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => text(page, 'dock-state-demo-1-1'), WAIT).toContain('Charging');
    expect(await text(page, 'dock-dnd-demo-1-3')).toContain('Do not dispatch');
    expect(await text(page, 'dock-voltage-demo-1-1')).toBe('51.8 V');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.evaluate(() => window.localStorage.getItem('rikscha.lang'))).toBe('en');

    await page.reload();
    await expect.poll(() => text(page, 'dock-state-demo-1-1'), WAIT).toContain('Charging');
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => text(page, 'dock-state-demo-1-1'), WAIT).toContain('Lädt');
    expect(errors).toEqual([]);
  });

  it('keeps the last data under a banner while the API fails, and drops the banner when it answers again', async () => {
    const { page, errors } = await open();
    await expect.poll(() => text(page, 'dock-voltage-demo-1-1'), WAIT).toBe('51,8 V');
    expect(await page.getByTestId('error-banner').count()).toBe(0);

    fx.failApi = true;
    await expect.poll(() => text(page, 'error-banner'), WAIT).toContain('Keine Verbindung zum Server');
    expect(await page.getByTestId('error-banner').getAttribute('role')).toBe('alert');
    expect(await text(page, 'dock-voltage-demo-1-1')).toBe('51,8 V');
    expect(await page.getByTestId('dock-demo-1-3').count()).toBe(1);

    fx.failApi = false;
    await expect.poll(() => page.getByTestId('error-banner').count(), WAIT).toBe(0);
    expect(await text(page, 'dock-voltage-demo-1-1')).toBe('51,8 V');
    // The only errors allowed are the browser's own notes about the 503 answers we asked for.
    expect(errors.filter((e) => !/Failed to load resource: the server responded with a status of 503/.test(e))).toEqual(
      [],
    );
  });

  it('fits a 375 px wide phone screen without horizontal scrolling', async () => {
    const { page, errors } = await open('/', { width: 375, height: 812 });
    await page.getByTestId('training-panel').waitFor();
    await page.getByTestId('sim-dock-3').locator('summary').click();
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    // Touch targets: the language toggle and the fault buttons are at least 44 px high.
    const toggle = await page.getByTestId('lang-toggle').boundingBox();
    expect(toggle?.height ?? 0).toBeGreaterThanOrEqual(44);
    const button = await page.getByTestId('sim-fault-3-unplug').boundingBox();
    expect(button?.height ?? 0).toBeGreaterThanOrEqual(44);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: '/tmp/dashboard.png', fullPage: true });
    expect(errors).toEqual([]);
  });
});

describe('dashboard training panel', () => {
  it('sends the chosen fault as POST /api/sim/faults, clears all with DELETE, presses the acknowledge button', async () => {
    const { page, errors } = await open();
    await page.getByTestId('training-panel').waitFor();
    expect(await text(page, 'sim-lcd')).toContain('Dock 3: STOERUNG');
    expect(await text(page, 'sim-led-dock-3')).toContain('rot, blinkt');
    expect(await text(page, 'sim-active')).toBe('Aktive Fehler: keine');

    await page.getByTestId('sim-dock-2').locator('summary').click();
    await page.getByTestId('sim-fault-2-over-temperature').click();
    await expect
      .poll(() => fx.actions, WAIT)
      .toEqual([{ method: 'POST', url: '/api/sim/faults', body: { dock: 2, fault: 'over-temperature' } }]);
    await expect
      .poll(() => page.getByTestId('sim-fault-2-over-temperature').getAttribute('aria-pressed'), WAIT)
      .toBe('true');
    expect(await text(page, 'training-notice')).toContain('Dock 2');
    // The dock stays open across the next polls' re-render.
    await expect.poll(() => fx.stationPolls, WAIT).toBeGreaterThan(2);
    expect(await page.getByTestId('sim-dock-2').getAttribute('open')).not.toBeNull();

    await page.getByTestId('sim-clear').click();
    await expect.poll(() => fx.actions.map((a) => a.method), WAIT).toEqual(['POST', 'DELETE']);
    await page.getByTestId('sim-ack').click();
    await expect
      .poll(() => fx.actions.at(-1), WAIT)
      .toEqual({ method: 'POST', url: '/api/sim/buttons', body: { button: 'acknowledge' } });
    await expect.poll(() => text(page, 'sim-active'), WAIT).toBe('Aktive Fehler: keine');
    expect(errors).toEqual([]);
  });

  it('offers the faults GET /api/sim names, no more and no fewer', async () => {
    fx.simFaultNames = ['unplug', 'over-temperature'];
    const { page, errors } = await open();
    await page.getByTestId('training-panel').waitFor();
    const ids = await page
      .getByTestId('sim-dock-2')
      .locator('[data-fault]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-fault')));
    expect(ids).toEqual(['unplug', 'over-temperature']);
    expect(await text(page, 'sim-fault-2-unplug')).toBe('Stecker ziehen');
    expect(errors).toEqual([]);
  });

  it('is hidden when the server has no simulator', async () => {
    fx.simEnabled = false;
    const { page, errors } = await open();
    await expect.poll(() => text(page, 'dock-voltage-demo-1-1'), WAIT).toBe('51,8 V');
    await expect.poll(() => fx.stationPolls, WAIT).toBeGreaterThan(1);
    expect(await page.getByTestId('training-panel').count()).toBe(0);
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
  });
});

describe('dashboard battery page', () => {
  it('shows health fields, "—" for missing ones, alerts, cells and SVG charts', async () => {
    const { page, errors } = await open('/#/battery/B-0041');
    await expect.poll(() => text(page, 'battery-field-sohPct'), WAIT).toBe('92 %');
    expect(await text(page, 'battery-title')).toBe('Akku B-0041');
    // The last reading, nested under `latest` as the real API sends it.
    expect(await text(page, 'battery-field-socPct')).toBe('63 %');
    expect(await text(page, 'battery-field-voltageV')).toBe('51,8 V');
    expect(await text(page, 'battery-field-currentA')).toBe('4,8 A');
    expect(await text(page, 'battery-field-cycles')).toBe('212');
    expect(await text(page, 'battery-field-maxTempC')).toBe('33,5 °C');
    expect(await text(page, 'battery-field-cellSpreadMv')).toBe('—');
    // Not estimated yet: said in words, never 0 and not a bare dash.
    expect(await text(page, 'battery-field-internalResistanceMilliOhm')).toBe('zu wenig Daten');
    expect(await text(page, 'battery-alerts')).toContain('Zellspreizung 62 mV');
    await expect.poll(() => text(page, 'battery-where'), WAIT).toContain('demo-1, Dock 1');
    expect(await page.getByTestId('battery-cells').locator('li').count()).toBe(13);
    for (const id of ['chart-voltage', 'chart-current', 'chart-soc', 'chart-temp']) {
      const d = await page.getByTestId(id).locator('svg path').getAttribute('d');
      expect(d, id).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+/);
    }
    // Temperature has gaps in the fixture: the line breaks there instead of bridging them.
    const tempPath = (await page.getByTestId('chart-temp').locator('svg path').getAttribute('d')) ?? '';
    expect(tempPath.split('M').length - 1).toBeGreaterThan(1);
    expect(await text(page, 'chart-voltage')).toContain('51,6 V');

    await page.getByTestId('back-link').click();
    await page.getByTestId('station-demo-1').waitFor();
    expect(errors).toEqual([]);
  });

  it('says so when the battery is unknown', async () => {
    const { page, errors } = await open('/#/battery/nope');
    await expect.poll(() => text(page, 'battery-not-found'), WAIT).toBe('Diesen Akku kennt der Server nicht.');
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
  });
});
