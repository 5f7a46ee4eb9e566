// Page tests of the mechanic's login and dock commands: real Chromium against the fixture server's fake of the
// broker's login, session and command endpoints, asserting what the page shows and exactly what it sent.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, STILL_FAULTY } from './fixture-server.ts';
import { text, useDashboard, WAIT } from './harness.ts';

const { fx, open } = useDashboard();

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-open').click();
  await page.getByTestId('login-user').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** The command buttons under dock n of demo-1, by action id, in page order. */
function actionIds(page: Page, n: number): Promise<string[]> {
  return page
    .getByTestId(`dock-actions-demo-1-${n}`)
    .locator('button')
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-cmd') ?? '?'));
}

/** Every dock command button on the page. */
function commandButtons(page: Page): Promise<number> {
  return page.locator('[data-action="dock-cmd"]').count();
}

/** Who GET /api/session says the page is logged in as (null: nobody), with whatever cookie the browser holds. */
function sessionUser(page: Page): Promise<string | null> {
  return page.evaluate(
    async () =>
      ((await (await fetch('/api/session', { credentials: 'same-origin' })).json()) as { username: string | null })
        .username,
  );
}

/** Console errors except the browser's notes on answers the test asked for (e.g. `401 [/api/login]`). */
function unexpected(errors: string[], ...allowed: [status: number, path: string][]): string[] {
  return errors.filter(
    (e) => !allowed.some(([status, path]) => e.includes(`status of ${status}`) && e.endsWith(`[${path}]`)),
  );
}

const COMMANDS = '/api/stations/demo-1/commands';

describe('mechanic login', () => {
  it('a wrong password shows an error, keeps the form and the user name, and shows no dock buttons', async () => {
    const { page, errors } = await open();
    await page.getByTestId('station-demo-1').waitFor();
    await expect.poll(() => text(page, 'login-open'), WAIT).toBe('Anmelden');
    expect(await commandButtons(page)).toBe(0);

    await logIn(page, 'mechanic', 'not-the-password');
    await expect.poll(() => text(page, 'login-error'), WAIT).toBe('Benutzername oder Passwort falsch.');
    expect(await page.getByTestId('login-form').count()).toBe(1);
    expect(await page.getByTestId('login-user').inputValue()).toBe('mechanic');
    expect(await page.getByTestId('login-password').inputValue()).toBe('');
    expect(await page.getByTestId('session-user').count()).toBe(0);
    expect(await commandButtons(page)).toBe(0);
    expect(fx.sessions.size).toBe(0);
    expect(await sessionUser(page)).toBeNull();
    expect(unexpected(errors, [401, '/api/login'])).toEqual([]);
  });

  it('a viewer account is turned away (403) with its own message and gets no dock buttons', async () => {
    const { page, errors } = await open();
    await page.getByTestId('station-demo-1').waitFor();
    await logIn(page, 'viewer', 'pw-viewer');
    await expect.poll(() => text(page, 'login-error'), WAIT).toContain('kein Mechaniker-Konto');
    expect(await commandButtons(page)).toBe(0);
    expect(fx.sessions.size).toBe(0);
    expect(unexpected(errors, [403, '/api/login'])).toEqual([]);
  });

  it('logs in: shows the name and buttons that fit each dock, keeps the session over a reload, speaks English', async () => {
    const { page, errors } = await open();
    await page.getByTestId('station-demo-1').waitFor();
    await logIn(page, 'mechanic', 'pw-mechanic');
    await expect.poll(() => text(page, 'session-user'), WAIT).toBe('angemeldet als mechanic');
    expect(await page.getByTestId('login-panel').count()).toBe(0);
    expect(await text(page, 'logout')).toBe('Abmelden');
    // charging, full, fault, empty
    expect(await actionIds(page, 1)).toEqual(['stop-charging', 'maintenance-on']);
    expect(await actionIds(page, 2)).toEqual(['stop-charging', 'maintenance-on']);
    expect(await actionIds(page, 3)).toEqual(['acknowledge', 'maintenance-on']);
    expect(await actionIds(page, 4)).toEqual(['maintenance-on']);
    expect(await text(page, 'dock-action-demo-1-1-stop-charging')).toBe('Laden stoppen');
    expect(await text(page, 'dock-action-demo-1-3-acknowledge')).toBe('Störung quittieren');
    expect(await text(page, 'dock-action-demo-1-4-maintenance-on')).toBe('Wartung an');

    // The session lives in an HttpOnly cookie that page scripts cannot read.
    const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);

    // Still usable on a phone: no sideways scrolling, touch targets of 44 px.
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    for (const id of ['logout', 'dock-action-demo-1-1-stop-charging', 'dock-action-demo-1-3-acknowledge']) {
      expect((await page.getByTestId(id).boundingBox())?.height ?? 0, id).toBeGreaterThanOrEqual(44);
    }

    // A new page load learns the session from GET /api/session, without the form.
    await page.reload();
    await expect.poll(() => text(page, 'session-user'), WAIT).toBe('angemeldet als mechanic');
    await expect.poll(() => actionIds(page, 3), WAIT).toEqual(['acknowledge', 'maintenance-on']);

    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => text(page, 'dock-action-demo-1-1-stop-charging'), WAIT).toBe('Stop charging');
    expect(await text(page, 'session-user')).toBe('logged in as mechanic');
    expect(await text(page, 'logout')).toBe('Log out');
    expect(await text(page, 'dock-action-demo-1-3-acknowledge')).toBe('Acknowledge fault');
    expect(errors).toEqual([]);
  });

  it('logs out: the buttons go, GET /api/session answers 401, the cookie is gone', async () => {
    const { page, errors } = await open();
    await page.getByTestId('station-demo-1').waitFor();
    await logIn(page, 'mechanic', 'pw-mechanic');
    await expect.poll(() => commandButtons(page), WAIT).toBe(7);
    expect(await sessionUser(page)).toBe('mechanic');

    await page.getByTestId('logout').click();
    await expect.poll(() => text(page, 'login-open'), WAIT).toBe('Anmelden');
    expect(await page.getByTestId('session-user').count()).toBe(0);
    expect(await commandButtons(page)).toBe(0);
    expect(fx.sessions.size).toBe(0);
    expect(await sessionUser(page)).toBeNull();
    expect((await page.context().cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);
    // And it stays so over the next polls.
    const polls = fx.stationPolls;
    await expect.poll(() => fx.stationPolls, WAIT).toBeGreaterThan(polls);
    expect(await commandButtons(page)).toBe(0);
    expect(errors).toEqual([]);
  });
});

describe('mechanic dock commands', () => {
  it('"Laden stoppen" sends exactly one JSON POST, waits with disabled buttons, reports and refreshes at once', async () => {
    const { page, errors } = await open('/', undefined, { fakeClock: true });
    await page.getByTestId('station-demo-1').waitFor();
    await logIn(page, 'mechanic', 'pw-mechanic');
    await expect.poll(() => actionIds(page, 1), WAIT).toEqual(['stop-charging', 'maintenance-on']);
    expect(await text(page, 'dock-state-demo-1-1')).toContain('Lädt');
    // From here the page's timers stand still: new station data can only come from the refresh after the command.
    await pauseClockSoon(page);

    let release = () => {};
    fx.commandGate = new Promise<void>((ok) => (release = ok));
    await page.getByTestId('dock-action-demo-1-1-stop-charging').click();
    await expect.poll(() => fx.commands.length, WAIT).toBe(1);
    expect(await page.getByTestId('dock-action-demo-1-1-stop-charging').isDisabled()).toBe(true);
    expect(await page.getByTestId('dock-action-demo-1-1-maintenance-on').isDisabled()).toBe(true);
    expect(await page.getByTestId('dock-action-demo-1-2-stop-charging').isDisabled()).toBe(false);
    expect(await text(page, 'dock-outcome-demo-1-1')).toBe('„Laden stoppen“ wird gesendet …');
    const polls = fx.stationPolls;

    release();
    await expect.poll(() => text(page, 'dock-outcome-demo-1-1'), WAIT).toBe('✓ Laden gestoppt.');
    expect(fx.commands).toEqual([
      { method: 'POST', url: `${COMMANDS}/stop-charging`, contentType: 'application/json', body: { dock: 1 } },
    ]);
    await expect.poll(() => text(page, 'dock-state-demo-1-1'), WAIT).toContain('Wartet');
    expect(fx.stationPolls).toBeGreaterThan(polls);
    expect(await actionIds(page, 1)).toEqual(['resume-charging', 'maintenance-on']);
    expect(await page.getByTestId('dock-action-demo-1-1-resume-charging').isDisabled()).toBe(false);
    expect(await text(page, 'dock-outcome-demo-1-2')).toBeNull();
    expect(errors).toEqual([]);
  });

  it('"Störung quittieren" shows the station\'s refusal (422); "Wartung an" sends args.on and flips the button', async () => {
    const { page, errors } = await open();
    await page.getByTestId('station-demo-1').waitFor();
    await logIn(page, 'mechanic', 'pw-mechanic');
    await page.getByTestId('dock-action-demo-1-3-acknowledge').click();
    await expect.poll(() => text(page, 'dock-outcome-demo-1-3'), WAIT).toBe(`⚠ Die Station lehnt ab: ${STILL_FAULTY}`);
    expect(fx.commands.map((c) => [c.url, c.body])).toEqual([[`${COMMANDS}/acknowledge`, { dock: 3 }]]);
    expect(await text(page, 'dock-state-demo-1-3')).toContain('Störung');
    // A refusal stays on screen over the next polls, and the buttons are usable again.
    const polls = fx.stationPolls;
    await expect.poll(() => fx.stationPolls, WAIT).toBeGreaterThan(polls + 1);
    expect(await text(page, 'dock-outcome-demo-1-3')).toContain(STILL_FAULTY);
    expect(await page.getByTestId('dock-action-demo-1-3-acknowledge').isDisabled()).toBe(false);

    await page.getByTestId('dock-action-demo-1-3-maintenance-on').click();
    await expect.poll(() => text(page, 'dock-outcome-demo-1-3'), WAIT).toBe('✓ Wartung eingeschaltet.');
    expect(fx.commands.at(-1)).toEqual({
      method: 'POST',
      url: `${COMMANDS}/maintenance`,
      contentType: 'application/json',
      body: { dock: 3, args: { on: true } },
    });
    await expect.poll(() => actionIds(page, 3), WAIT).toEqual(['maintenance-off']);
    expect(await text(page, 'dock-action-demo-1-3-maintenance-off')).toBe('Wartung aus');
    expect(unexpected(errors, [422, `${COMMANDS}/acknowledge`])).toEqual([]);
  });

  it('an offline station (409) is named under the dock; an ended session (401) asks to log in again', async () => {
    const station = fx.stations[0];
    if (!station) throw new Error('the fixture has a station');
    station.online = false;
    const { page, errors } = await open();
    await page.getByTestId('station-demo-1').waitFor();
    await logIn(page, 'mechanic', 'pw-mechanic');
    await page.getByTestId('dock-action-demo-1-1-stop-charging').click();
    await expect
      .poll(() => text(page, 'dock-outcome-demo-1-1'), WAIT)
      .toBe('⚠ Station offline: Befehl nicht gesendet.');
    expect(await text(page, 'dock-state-demo-1-1')).toContain('Lädt');

    fx.sessions.clear();
    await page.getByTestId('dock-action-demo-1-2-stop-charging').click();
    await expect.poll(() => text(page, 'login-error'), WAIT).toBe('Die Anmeldung ist abgelaufen. Bitte neu anmelden.');
    expect(await commandButtons(page)).toBe(0);
    expect(await page.getByTestId('session-user').count()).toBe(0);
    expect(fx.commands.map((c) => c.url)).toEqual([`${COMMANDS}/stop-charging`, `${COMMANDS}/stop-charging`]);
    expect(unexpected(errors, [409, `${COMMANDS}/stop-charging`], [401, `${COMMANDS}/stop-charging`])).toEqual([]);
  });
});

/**
 * Stops the page's fake clock a moment ahead of its own time. The page's time runs on between reading it and the
 * pause; on a loaded machine that can pass a short margin ("Cannot fast-forward to the past"), so the margin grows
 * until the pause lands, staying far below the 2 s poll period.
 */
async function pauseClockSoon(page: Page): Promise<void> {
  for (let margin = 10; ; margin *= 3) {
    try {
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + margin);
      return;
    } catch (err) {
      if (margin > 500 || !String(err).includes('to the past')) throw err;
    }
  }
}
