import { describe, it, expect } from 'vitest';
import { BusError, RequestBus } from '../bus/request-bus.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { createMemoryLink } from '../transports/memory-transport.ts';
import { hexBytes, vector } from './fixtures/vesc-vectors.ts';
import { decodeVescRequest } from './vesc-commands.ts';
import { VescFrameDecoder } from './vesc-decoder.ts';
import { VescDriver } from './vesc-driver.ts';
import { encodeVescPacket } from './vesc-packet.ts';

/** A scripted device end: answers each decoded request with whatever `reply` returns (codecs only, no simulator). */
async function setup(reply: (command: string, n: number) => Uint8Array | null, opts: { retries?: number } = {}) {
  const link = createMemoryLink('vesc-test');
  const clock = new ManualClock();
  await link.host.open();
  await link.device.open();
  const seen: string[] = [];
  const dec = new VescFrameDecoder();
  link.device.onData((chunk) => {
    for (const ev of dec.push(chunk)) {
      if (ev.kind !== 'frame') continue;
      const r = decodeVescRequest(ev.frame.payload);
      if (!r.ok) continue;
      seen.push(r.value.command);
      const bytes = reply(r.value.command, seen.length);
      if (bytes) void link.device.write(bytes);
    }
  });
  const bus = new RequestBus(link.host, { clock });
  const driver = new VescDriver(bus, {
    device: 'dock-1-vesc',
    timeoutMs: 100,
    odometer: { polePairs: 23, wheelCircumferenceM: 1.65 },
    ...opts,
  });
  return { driver, clock, seen, link };
}

describe('VescDriver (scripted device)', () => {
  it('reads V8 as typed readings with distance', async () => {
    const { driver } = await setup((c) => (c === 'GET_VALUES' ? hexBytes(vector('V8').hex ?? '') : null));
    const r = await driver.readValues();
    expect(r.tempFetC).toBe(35.2);
    expect(r.erpm).toBe(15000);
    expect(r.fault).toEqual({ code: 0, name: 'NONE' });
    expect(r.distanceKm).toBeCloseTo(((130000 / (6 * 23)) * 1.65) / 1000, 9);
    expect(driver.counters().responses).toBe(1);
  });

  it('reads a selective reply (V7) and the firmware version', async () => {
    const fw = encodeVescPacket(Buffer.from([0, 6, 5, 0x36, 0x30, 0]));
    const { driver } = await setup((c) =>
      c === 'GET_VALUES_SELECTIVE' ? hexBytes(vector('V7').hex ?? '') : c === 'FW_VERSION' ? fw : null,
    );
    const s = await driver.readSelected(0x8105);
    expect(s.values.fault?.name).toBe('UNDER_VOLTAGE');
    expect(await driver.readFirmware()).toEqual({ major: 6, minor: 5, hwName: '60' });
  });

  it('sends ALIVE and set-points without waiting for a reply', async () => {
    const { driver, seen, clock } = await setup(() => null);
    await driver.alive();
    await driver.setCurrent(5);
    await driver.setBrakeCurrent(3);
    await clock.advanceAsync(5);
    expect(seen).toEqual(['ALIVE', 'SET_CURRENT', 'SET_CURRENT_BRAKE']);
  });

  it('retries after a timeout and names the attempt', async () => {
    const { driver, clock, seen } = await setup(
      (c, n) => (c === 'GET_VALUES' && n === 2 ? hexBytes(vector('V8').hex ?? '') : null),
      {
        retries: 1,
      },
    );
    const p = driver.readValues();
    await clock.advanceAsync(150, 10);
    await expect(p).resolves.toMatchObject({ tachometerAbs: 130000 });
    expect(seen).toEqual(['GET_VALUES', 'GET_VALUES']);
    expect(driver.counters().timeouts).toBe(1);
  });

  it('gives up with a TIMEOUT BusError naming device, request and attempt', async () => {
    const { driver, clock } = await setup(() => null);
    const p = driver.readValues();
    const check = expect(p).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof BusError &&
        e.code === 'TIMEOUT' &&
        /dock-1-vesc: COMM_GET_VALUES \(attempt 1\/1\)/.test(e.message),
    );
    await clock.advanceAsync(120, 10);
    await check;
  });

  it('reports a reply too short for its kind as BAD_LENGTH, not as an error the device reported', async () => {
    const { driver } = await setup(() => encodeVescPacket(Buffer.from([4, 1, 2, 3])));
    await expect(driver.readValues()).rejects.toMatchObject({ code: 'BAD_LENGTH' });
    expect(driver.counters()).toMatchObject({ badLengthReplies: 1, deviceErrors: 0 });
  });
});
