// The station against device peers written from the public spec, on real socat pseudo-terminals: what it reports
// is what happened on the wire.
//  - Dock 1: a charger that acknowledges "off" and stays on, and a BMS that refuses the charge-FET write (0xE1 answered
//    with status 0x80). The events and telemetry say the switch is still closed, the write is retried, and the screen
//    and the dashboard's feed escalate in plain words; once the BMS obeys, the opening is reported as seen.
//  - Dock 2: a serious fault (an unknown protection bit) whose cause goes away shows `awaitingAck` in the HTTP API,
//    and the acknowledge button clears it.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type Central } from '../../broker/central.ts';
import { stationListSchema } from '../../contract/http-api.ts';
import type { DockTelemetry, StationEvent } from '../../contract/messages.ts';
import { SerialTransport } from '../../firmware-bridge/transports/serial-transport.ts';
import { systemClock } from '../../lib/clock.ts';
import { parseStationConfig } from '../../station/config/station-config.ts';
import { startStation, type StationHandle } from '../../station/station.ts';
import { JbdPeer } from '../support/peers/jbd-peer.ts';
import { RidenPeer } from '../support/peers/riden-peer.ts';
import { ptyPair, type PtyPair } from '../support/socat.ts';
import { waitFor } from '../support/wait-for.ts';

const log = pino({ level: process.env.DEBUG_SAFETY ? 'debug' : 'silent' });
const ID = 'safety-wire';
let central: Central;
let station: StationHandle;
let viewer: mqtt.MqttClient;
const events: StationEvent[] = [];
const ptys: PtyPair[] = [];
const peerLines: SerialTransport[] = [];
const docks: { pack: JbdPeer; psu: RidenPeer; bmsPort: string; chargerPort: string }[] = [];

async function dockPeers(): Promise<(typeof docks)[number]> {
  const bmsPty = await ptyPair('safety-bms');
  const chargerPty = await ptyPair('safety-psu');
  ptys.push(bmsPty, chargerPty);
  const bmsLine = new SerialTransport(bmsPty.b, { baudRate: 9600 });
  const chargerLine = new SerialTransport(chargerPty.b, { baudRate: 115200 });
  await bmsLine.open();
  await chargerLine.open();
  peerLines.push(bmsLine, chargerLine);
  const pack = new JbdPeer(bmsLine);
  const psu = new RidenPeer(chargerLine);
  // The pack takes what the charger drives while its charge FET is closed.
  const flowing = () => (psu.outputOn && pack.chargeFet ? psu.setCurrentA : 0);
  pack.beforeRead = () => (pack.currentCa = Math.round(flowing() * 100));
  psu.beforeRead = () => psu.measure(50.9, flowing());
  return { pack, psu, bmsPort: bmsPty.a, chargerPort: chargerPty.a };
}

const dockNow = (n: number): DockTelemetry | undefined => station.docks().find((d) => d.dock === n);
const eventsOf = (type: string, dock: number) => events.filter((e) => e.type === type && e.dock === dock);

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-safety-'));
  central = await startCentral({
    dataDir: join(dir, 'central'),
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: log,
  });
  const password = central.addStation(ID);
  const viewerPassword = central.addViewer('safety-watcher');
  docks.push(await dockPeers(), await dockPeers());
  const config = parseStationConfig({
    stationId: ID,
    dataDir: join(dir, 'station'),
    mqtt: { url: `mqtt://127.0.0.1:${central.mqttPort}` },
    telemetryIntervalMs: 200,
    // Generous timeouts and freshness: the peers share this process (and two cores with other tests), so a stall
    // of the event loop must not read as a device fault.
    pollIntervalMs: 300,
    tickMs: 50,
    charging: { freshnessPolls: 8, recovery: { holdMs: 1000, fetRetryMs: 1000 } },
    docks: docks.map((d, i) => ({
      dock: i + 1,
      bms: { type: 'jbd', port: d.bmsPort, timeoutMs: 1000 },
      charger: { type: 'riden', port: d.chargerPort, timeoutMs: 1000 },
    })),
    ioBoard: {
      io: { type: 'virtual' },
      leds: {
        'dock-1': { type: 'single', pins: { green: 4, red: 5 } },
        'dock-2': { type: 'single', pins: { green: 6, red: 7 } },
      },
      // A long press acknowledges the dock shown; short here, so the page cannot turn while the finger rests.
      buttons: { acknowledge: { pin: 2, holdMs: 100 } },
    },
  });
  station = await startStation(config, { clock: systemClock, log, password });
  viewer = mqtt.connect(`mqtt://127.0.0.1:${central.mqttPort}`, {
    clientId: 'safety-watcher:sub',
    username: 'safety-watcher',
    password: viewerPassword,
    protocolVersion: 4,
  });
  await new Promise<void>((r) => viewer.once('connect', () => r()));
  await viewer.subscribeAsync(`rikscha/v1/${ID}/event`);
  viewer.on('message', (_t, p) => events.push(JSON.parse(p.toString()) as StationEvent));
  await waitFor(() => [1, 2].every((n) => dockNow(n)?.state === 'charging'), {
    what: 'both docks charging over the ptys',
    timeoutMs: 20_000,
  }).catch((err: unknown) => {
    throw new Error(`${String(err)}; docks: ${JSON.stringify(station.loop.views())}`);
  });
}, 40_000);

afterAll(async () => {
  await viewer?.endAsync();
  await station?.stop();
  for (const l of peerLines) await l.close();
  for (const p of ptys) await p.kill();
  await central?.close();
});

describe('a stuck charger and a BMS that refuses the charge-FET write', () => {
  it('reports the switch still closed, retries the write, and escalates on the screen', async () => {
    const { pack, psu } = docks[0] ?? (undefined as never);
    psu.ignoreOff = true;
    pack.rejectMosWrite = true;
    pack.tempsC = [50, 50]; // too hot: the station switches the charger off, the charger does not obey

    const stuck = await waitFor(() => eventsOf('charge-fet-stuck', 1)[0], {
      what: 'the event saying the charge switch is still closed',
      timeoutMs: 15_000,
    });
    expect(stuck.severity).toBe('fault');
    expect(stuck.message).toMatch(/still closed/);
    expect(stuck.message).toMatch(/status 0x80|refused/);
    expect(stuck.data).toMatchObject({ chargeFetOn: true });
    // No event ever claimed the switch was opened.
    expect(events.some((e) => /was opened|is open\b/.test(e.message))).toBe(false);
    const announced = eventsOf('charger-stuck', 1)[0];
    expect(announced?.message).not.toMatch(/was opened/);

    const tel = await waitFor(() => (dockNow(1)?.alarm === 'charge-fet-stuck' ? dockNow(1) : null), {
      what: 'the alarm on the dock telemetry',
    });
    expect(tel.battery?.chargeFetOn).toBe(true);
    expect(tel.charger.outputOn).toBe(true);

    // Retried on the safety lane at a bounded rate (fetRetryMs 1000): more than once, not a flood.
    const firstWrites = pack.mosWrites.length;
    await waitFor(() => pack.mosWrites.length >= firstWrites + 2, { what: 'the FET write retried', timeoutMs: 8000 });
    expect(pack.mosWrites.every((v) => (v & 1) === 1)).toBe(true);

    const board = station.board;
    if (!board) throw new Error('no I/O board');
    await waitFor(() => board.board.snapshot().lines[0]?.startsWith('Dock 1: GEFAHR'), {
      what: 'the escalation on the screen',
      timeoutMs: 15_000,
    });
    const pages = new Set<string>();
    await waitFor(
      () => {
        const lines = board.board.snapshot().lines.map((l) => l.trimEnd());
        if (lines[0] === 'Dock 1: GEFAHR') pages.add(lines.join('|'));
        return pages.size >= 2;
      },
      { what: 'both alarm pages', timeoutMs: 15_000 },
    );
    expect([...pages].join('\n')).toContain('Ladeschalter ließ|sich nicht öffnen:');
    expect([...pages].join('\n')).toContain('Mechaniker rufen!');
    expect(board.board.snapshot().leds['dock-1']).toEqual({ color: 'white', pattern: 'blink' });

    // The BMS obeys the next retry: the opening is reported as seen, and the alarm goes.
    pack.rejectMosWrite = false;
    const open = await waitFor(() => eventsOf('charge-fet-open', 1)[0], {
      what: 'the event saying the switch was seen open',
      timeoutMs: 8000,
    });
    expect(open.message).toMatch(/open/);
    expect(open.data).toMatchObject({ chargeFetOn: false });
    await waitFor(() => dockNow(1)?.battery?.chargeFetOn === false && dockNow(1)?.alarm === undefined, {
      what: 'telemetry showing the switch open and no alarm',
    });
  }, 60_000);
});

describe('a serious fault whose cause is gone', () => {
  it('shows awaitingAck in the API until the button is pressed', async () => {
    const { pack } = docks[1] ?? (undefined as never);
    pack.protection = 0x4000;
    await waitFor(() => dockNow(2)?.state === 'fault', { what: 'dock 2 in fault' });
    expect(dockNow(2)?.battery?.protection).toEqual(['unknown-bit-14']);
    pack.protection = 0;

    const apiDock = async () => {
      const res = await fetch(`http://127.0.0.1:${central.httpPort}/api/stations`);
      // Read through the contract's schema: the field must be part of the API, not merely present in the JSON.
      const { items } = stationListSchema.parse(await res.json());
      return items.find((s) => s.stationId === ID)?.docks.find((d) => d.dock === 2);
    };
    const waiting = await waitFor(async () => ((await apiDock())?.awaitingAck === true ? apiDock() : null), {
      what: 'awaitingAck on dock 2 in GET /api/stations',
      timeoutMs: 15_000,
    });
    expect(waiting).toMatchObject({ state: 'fault', awaitingAck: true });
    // The screen says so too: cause gone, press the button.
    const board = station.board;
    const io = board?.board.virtual;
    if (!board || !io) throw new Error('expected the virtual I/O board');
    await waitFor(
      () => {
        const lines = board.board.snapshot().lines.map((l) => l.trimEnd());
        return (
          lines[0] === 'Dock 2: STÖRUNG' && lines[2]?.startsWith('Ursache behoben') && lines[3]?.startsWith('Taste')
        );
      },
      { what: 'the screen asking for the button on dock 2', timeoutMs: 15_000 },
    );
    io.press(2);
    await waitFor(() => dockNow(2)?.awaitingAck === undefined, { what: 'the button acknowledging dock 2' });
    io.release(2);
    await waitFor(async () => (await apiDock())?.awaitingAck === undefined && (await apiDock())?.state !== 'fault', {
      what: 'dock 2 acknowledged in the API',
      timeoutMs: 15_000,
    });
  }, 40_000);
});
