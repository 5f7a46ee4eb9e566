// The kiosk page for an HDMI screen, served by the station itself: with no link to the central side it shows the
// same four lines as the 20x4 screen and the dock lights, from the station's own port.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManualStation, type ManualStation } from '../support/manual-station.ts';

let rig: ManualStation;
let base: string;

beforeAll(async () => {
  rig = await startManualStation('kiosk-test', {
    metrics: { port: 0 },
    // A station with only an HDMI screen configures a virtual board: no pins, the kiosk page shows what it would.
    ioBoard: { io: { type: 'virtual' }, leds: {} },
  });
  if (rig.station.metricsPort === null) throw new Error('expected the local port');
  base = `http://127.0.0.1:${rig.station.metricsPort}`;
  await rig.ticks(30);
});

afterAll(async () => {
  await rig?.stop();
});

describe('kiosk page', () => {
  it('serves the page and its script, with inline scripts forbidden', async () => {
    const page = await fetch(`${base}/kiosk`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="/kiosk.js"></script>');
    expect(html).not.toMatch(/<script>/);
    const js = await fetch(`${base}/kiosk.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).not.toContain('innerHTML');
  });

  it('shows what the 20x4 screen shows, and every dock light, without a link to the centre', async () => {
    expect(rig.station.link.connected).toBe(false);
    const body = (await (await fetch(`${base}/kiosk.json`)).json()) as {
      lines: string[];
      leds: Array<{ name: string; setting: { color: string; pattern: string } }>;
    };
    const lcd = rig.station.board?.board.snapshot().lines;
    expect(body.lines).toEqual(lcd);
    expect(body.lines[0]).toMatch(/^Dock 1 /);
    expect(body.leds.map((l) => l.name)).toEqual(['dock-1', 'status']);
    // The link is down: the status light blinks red, on the HDMI screen as on the LED.
    expect(body.leds[1]?.setting).toEqual({ color: 'red', pattern: 'blink' });
  });
});
