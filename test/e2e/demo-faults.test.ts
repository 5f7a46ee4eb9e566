// Issue-5 black-box check on `rikscha demo`: each fault injected on a charging dock puts it in `fault` with that
// fault's own code and reason and its charger off (a stuck relay: the station says it cannot switch it off and what a
// person must do), and after the fault is cleared and acknowledged at the station's button the dock charges again.

import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoProcess } from '../support/demo-process.ts';
import { requireTool } from '../support/socat.ts';
import { waitFor } from '../support/wait-for.ts';

interface Dock {
  dock: number;
  state: string;
  reason?: string;
  code?: string;
  charger: { online: boolean; outputOn: boolean; currentA: number };
  battery: { currentA: number } | null;
}

let demo: DemoProcess;
let events: { type: string; severity: string; dock?: number; message: string; data?: Record<string, unknown> }[] = [];
let sub: ChildProcess;
const DOCK = 1;

const base = () => `http://127.0.0.1:${demo.httpPort}`;
async function dock(n: number): Promise<Dock | undefined> {
  const body = (await (await fetch(`${base()}/api/stations`)).json()) as {
    items: { stationId: string; lastSeq: number; docks: Dock[] }[];
  };
  return body.items.find((s) => s.stationId === 'demo-1')?.docks.find((d) => d.dock === n);
}
async function post(path: string, body: unknown, method = 'POST'): Promise<Response> {
  return fetch(`${base()}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
}

beforeAll(async () => {
  requireTool('mosquitto_sub', 'mosquitto-clients');
  demo = await startDemo(['--speed', '5']);
  sub = spawn('mosquitto_sub', ['-L', `${demo.viewerUrl}/rikscha/v1/demo-1/event`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let partial = '';
  sub.stdout?.on('data', (d: Buffer) => {
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) events.push(JSON.parse(l) as (typeof events)[number]);
  });
  await waitFor(async () => (await dock(DOCK))?.state === 'charging', { what: 'dock 1 to charge', timeoutMs: 20_000 });
}, 60_000);

afterAll(async () => {
  sub?.kill();
  if (demo) await demo.stop();
});

/**
 * The fault code (contract/fault-codes.ts) and reason each injected fault must show on the dock. Unplugged and
 * silent BMS look alike to the station (no fresh reading); a cell over 4.25 V is flagged by the BMS and by the
 * station's own check, whichever reading shows it first. A stuck relay shows first as the overheating that makes the
 * station try to switch off (E12); its own reason, charger-not-off (E31), comes as the charger-stuck event.
 */
const EXPECTED = {
  'over-temperature': { codes: ['E12'], reason: /^battery at [\d.]+ °C, outside 0\.\.45 °C$/ },
  'cell-drift-high': {
    codes: ['E21', 'E22'],
    reason: /^(BMS protection: .*cell-over-voltage|cell at [\d.]+ V above the [\d.]+ V limit)/,
  },
  'no-answer': { codes: ['E41'], reason: /^BMS reading \d+ ms old$/ },
  unplug: { codes: ['E41'], reason: /^BMS reading \d+ ms old$/ },
  'ignore-setpoints': { codes: ['E33'], reason: /^charger output [\d.]+ A above the battery limit [\d.]+ A$/ },
  // Last: it can leave the pack at about 47 °C, and cooling back into the window takes a minute or more of real time.
  'stuck-relay': { codes: ['E12'], reason: /^battery at [\d.]+ °C, outside 0\.\.45 °C$/ },
} as const;
const FAULTS = Object.keys(EXPECTED) as (keyof typeof EXPECTED)[];

describe('faults on a charging dock of the demo', () => {
  for (const fault of FAULTS) {
    it(`${fault}: fault with the charger off, then charging again after clear and acknowledge`, async () => {
      events = [];
      expect((await post('/api/sim/faults', { dock: DOCK, fault })).status).toBe(201);
      // A welded relay shows only when the station tries to switch off: give it a reason to (the pack overheats).
      if (fault === 'stuck-relay')
        expect((await post('/api/sim/faults', { dock: DOCK, fault: 'over-temperature' })).status).toBe(201);

      const faulted = await waitFor(
        async () => {
          const d = await dock(DOCK);
          return d?.state === 'fault' && (fault === 'stuck-relay' || !d.charger.outputOn) ? d : null;
        },
        { what: `dock ${DOCK} in fault with its charger off after ${fault}`, timeoutMs: 15_000 },
      );
      expect(EXPECTED[fault].codes, `${fault}: ${faulted.code} ${faulted.reason}`).toContain(faulted.code);
      expect(faulted.reason).toMatch(EXPECTED[fault].reason);
      if (fault === 'stuck-relay') {
        const stuck = await waitFor(() => events.find((e) => e.type === 'charger-stuck' && e.dock === DOCK), {
          what: 'the station to say it cannot switch the charger off',
        });
        expect(stuck.severity).toBe('fault');
        expect(stuck.message.length).toBeGreaterThan(10);
        // The stuck relay's own reason is on its event; the dock keeps the fault that made the station switch off.
        expect(stuck.data?.['code']).toBe('charger-not-off');
        expect(stuck.message).toMatch(/cannot be switched off/);
        // With the relay stuck, the station opens the battery's own charge switch: no current reaches the pack.
        await waitFor(async () => Math.abs((await dock(DOCK))?.battery?.currentA ?? 99) < 0.2, {
          what: 'the BMS to stop the charge current',
        });
      }

      expect((await post(`/api/sim/faults?dock=${DOCK}`, undefined, 'DELETE')).status).toBe(200);
      let seen: Dock | undefined;
      let pressedAt = 0;
      try {
        await waitFor(
          async () => {
            const d = (seen = await dock(DOCK));
            if (d?.state === 'charging' && d.charger.outputOn) return d;
            // A serious fault waits for a person: a long press on the acknowledge button (the demo holds it 1.15 s),
            // again after it was let go, until the cause is gone. Overlapping presses would read as short ones.
            if (Date.now() - pressedAt > 2000) {
              pressedAt = Date.now();
              await post('/api/sim/buttons', { button: 'acknowledge' });
            }
            return null;
          },
          {
            what: `dock ${DOCK} to charge again after ${fault} was cleared`,
            timeoutMs: 120_000,
            intervalMs: 500,
          },
        );
      } catch (err) {
        const sim = (await (await fetch(`${base()}/api/sim`)).json()) as { ioBoard: { lcd: string[] } };
        const acks = demo.logs.filter((l) => String(l.msg).includes('acknowledge')).slice(-3);
        throw new Error(
          `${String(err)}; dock last seen as ${JSON.stringify(seen)}; screen ${JSON.stringify(sim.ioBoard.lcd)}; ` +
            `last acknowledge logs ${JSON.stringify(acks)}; events ${JSON.stringify(events.filter((e) => e.dock === DOCK).slice(-8))}`,
        );
      }
    }, 150_000);
  }
});
