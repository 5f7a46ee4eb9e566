// The dashboard against the REAL demo (`rikscha demo` on free ports), not the fixture: the battery page shows the
// state of charge, voltage and current the API has for that battery, and the training panel offers the faults
// the demo's simulator names. The demo's answers are parsed with their contract schemas on the way.

import type { Browser, Page } from 'playwright-core';
import { launchChromium, requireChromium } from '../support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batteryListSchema, batteryViewSchema, type BatteryView } from '../../contract/http-api.ts';
import { simStateSchema } from '../../contract/sim-api.ts';
import { startDemo, type DemoProcess } from '../support/demo-process.ts';
import { waitFor } from '../support/wait-for.ts';

let demo: DemoProcess;
let browser: Browser;
const base = () => `http://127.0.0.1:${demo.httpPort}`;
const get = async (path: string): Promise<unknown> => (await fetch(`${base()}${path}`)).json();

beforeAll(async () => {
  requireChromium();
  demo = await startDemo();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/** A page's figure as a number: "51,8 V" -> 51.8; NaN for "—". */
async function figure(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  return Number(
    text
      .replace(/\u00a0/g, ' ')
      .split(' ')[0]
      ?.replace(',', '.'),
  );
}

describe('the dashboard on the real demo', () => {
  it('the battery page shows SoC, voltage and current from GET /api/batteries/<id>', async () => {
    const list = await waitFor(
      async () => {
        const items = batteryListSchema.parse(await get('/api/batteries')).items;
        return items.length > 0 ? items : null;
      },
      { what: 'the demo to report its batteries', timeoutMs: 20_000 },
    );
    const id = list[0]?.batteryId ?? '';
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    await page.goto(`${base()}/#/battery/${encodeURIComponent(id)}`);
    await page.getByTestId('battery-field-voltageV').waitFor({ timeout: 15_000 });

    // The demo charges as we look: compare with the API's answer fetched right after, within what a few
    // seconds of charging can change, and never "—".
    // A charger switching on or off moves the voltage by about 1 V between the two reads, so both are read again
    // until one pair agrees ("—" on the page never does).
    let api: BatteryView | null = null;
    const agree = async (): Promise<boolean> => {
      const shown = {
        soc: await figure(page, 'battery-field-socPct'),
        voltage: await figure(page, 'battery-field-voltageV'),
        current: await figure(page, 'battery-field-currentA'),
      };
      const now = batteryViewSchema.parse(await get(`/api/batteries/${encodeURIComponent(id)}`));
      api = now;
      return (
        Math.abs(shown.soc - now.latest.socPct) < 1.5 &&
        Math.abs(shown.voltage - now.latest.voltageV) < 0.5 &&
        Math.abs(shown.current - now.latest.currentA) < 1.5
      );
    };
    await expect.poll(agree, { timeout: 20_000, interval: 500 }).toBe(true);
    if (!api) throw new Error('no API answer');
    expect(await page.getByTestId('battery-where').textContent()).toContain((api as BatteryView).stationId);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the training panel offers the faults the simulator names', async () => {
    const sim = simStateSchema.parse(await get('/api/sim'));
    const dock = sim.devices[0]?.dock ?? 1;
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    await page.goto(`${base()}/`);
    await page.getByTestId(`sim-dock-${dock}`).waitFor({ timeout: 15_000 });
    const offered = await page
      .getByTestId(`sim-dock-${dock}`)
      .locator('[data-fault]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-fault')));
    expect(offered).toEqual(sim.faultNames);
    // The LEDs are named by the board's own ids, not "LED 1".
    const led = sim.ioBoard.leds[0]?.id ?? '';
    expect(await page.getByTestId(`sim-led-${led}`).count()).toBe(1);
    await context.close();
  });
});
