// Commands reach a running station over MQTT (`cmd/<name>`) and are answered on `cmd/<name>/result`:
// maintenance mode shows in the next telemetry, a bad command is refused with a reason, nothing crashes.

import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Central } from '../../broker/central.ts';
import { topics } from '../../contract/topics.ts';
import type { StationHandle } from '../../station/station.ts';
import { startSimStationRig, type SimStationRig } from '../support/sim-station-rig.ts';
import { waitFor } from '../support/wait-for.ts';

const log = pino({ level: process.env.DEBUG_CMD ? 'debug' : 'silent' });
const ID = 'cmd-test';
let rig: SimStationRig;
let central: Central;
let station: StationHandle;
let viewer: mqtt.MqttClient;
const results: Record<string, { id: string; ok: boolean; error?: string; result?: unknown }> = {};

beforeAll(async () => {
  rig = await startSimStationRig({
    prefix: 'rikscha-cmd-',
    stationId: ID,
    log,
    packs: [1, 2].map((dock) => ({ dock, batteryId: `B-${dock}`, socPct: 40 })),
    station: { telemetryIntervalMs: 200 },
  });
  ({ central, station } = rig);
  const viewerPassword = central.addViewer('watcher');
  viewer = mqtt.connect(`mqtt://127.0.0.1:${central.mqttPort}`, {
    clientId: 'watcher:sub',
    username: 'watcher',
    password: viewerPassword,
    protocolVersion: 4,
  });
  await new Promise<void>((r) => viewer.once('connect', () => r()));
  await viewer.subscribeAsync(`rikscha/v1/${ID}/cmd/+/result`);
  viewer.on('message', (_t, p) => {
    const r = JSON.parse(p.toString()) as { id: string; ok: boolean };
    results[r.id] = r;
  });
  await waitFor(() => station.link.connected && station.docks().every((d) => d.battery), {
    what: 'the station to connect and read its docks',
  });
}, 30_000);

afterAll(async () => {
  await viewer?.endAsync();
  await rig?.stop();
});

async function command(name: string, id: string, body: Record<string, unknown>) {
  await central.mqttServer?.publish(topics.cmd(ID, name), JSON.stringify({ id, ...body }), { qos: 1, retain: false });
  return waitFor(() => results[id], { what: `the result of ${name} (${id})` });
}

describe('station commands over MQTT', () => {
  it('puts a dock into maintenance and out again', async () => {
    const on = await command('maintenance', 'm-1', { dock: 2, args: { on: true } });
    expect(on).toMatchObject({ ok: true, result: { dock: 2, maintenance: true } });
    await waitFor(() => station.docks().find((d) => d.dock === 2)?.state === 'maintenance', {
      what: 'dock 2 in maintenance',
    });
    const off = await command('maintenance', 'm-2', { dock: 2, args: { on: false } });
    expect(off.ok).toBe(true);
    await waitFor(() => station.docks().find((d) => d.dock === 2)?.state !== 'maintenance', {
      what: 'dock 2 back from maintenance',
    });
  });

  it('stops and resumes charging on a dock', async () => {
    expect(await command('stop-charging', 's-1', { dock: 1 })).toMatchObject({ ok: true });
    await waitFor(() => station.loop.views().find((v) => v.dock === 1)?.grantedA === 0, {
      what: 'dock 1 granted nothing',
    });
    expect(await command('resume-charging', 's-2', { dock: 1 })).toMatchObject({ ok: true });
  });

  it('refuses unknown commands, unknown docks and bad arguments with a reason', async () => {
    expect(await command('self-destruct', 'x-1', {})).toMatchObject({
      ok: false,
      error: expect.stringContaining('unknown command'),
    });
    expect(await command('maintenance', 'x-2', { dock: 9, args: { on: true } })).toMatchObject({
      ok: false,
      error: expect.stringContaining('dock 9'),
    });
    expect(await command('set-departure', 'x-3', { dock: 1, args: { at: 'soon' } })).toMatchObject({
      ok: false,
      error: expect.stringContaining('at'),
    });
    expect(await command('acknowledge', 'x-4', { dock: 1 })).toMatchObject({ ok: false });
    // The station is still working after the refusals.
    expect(station.link.connected).toBe(true);
  });
});
