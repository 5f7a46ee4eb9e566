// The station's BMS driver against the simulated BMS over a real socat pseudo-terminal pair: polling, then the far
// end vanishing mid-frame (socat killed) and coming back, with the offline/online transitions reported.

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Liveness } from '../../firmware-bridge/bus/device-liveness.ts';
import { LineKeeper } from '../../firmware-bridge/bus/line-keeper.ts';
import { RequestBus } from '../../firmware-bridge/bus/request-bus.ts';
import { systemClock } from '../../lib/clock.ts';
import { JbdBmsDriver } from '../../firmware-bridge/jbd/jbd-driver.ts';
import { SerialTransport } from '../../firmware-bridge/transports/serial-transport.ts';
import { SimDock } from '../../hardware/station-sim/sim-dock.ts';
import { DevicePoller } from '../../station/devices/device-poller.ts';
import { ptyPair } from '../support/socat.ts';
import { waitFor } from '../support/wait-for.ts';

const log = pino({ level: 'silent' });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('JBD over a socat pty pair', () => {
  it('polls, survives the line vanishing mid-frame, and reports offline then online', async () => {
    const pty = await ptyPair('jbd');
    cleanups.push(() => pty.kill());

    const deviceLine = new SerialTransport(pty.b, { baudRate: 9600 });
    const deviceKeeper = new LineKeeper(deviceLine, { clock: systemClock, log, minBackoffMs: 20, maxBackoffMs: 100 });
    const dock = new SimDock({
      dock: 1,
      batteryId: 'RIK-13S-0100',
      pack: { series: 13, socPct: 55, seed: 3 },
      bmsLine: deviceLine,
      seed: 3,
    });
    dock.start();
    deviceKeeper.start();
    cleanups.push(() => deviceKeeper.stop());

    const hostLine = new SerialTransport(pty.a, { baudRate: 9600 });
    const hostKeeper = new LineKeeper(hostLine, { clock: systemClock, log, minBackoffMs: 20, maxBackoffMs: 100 });
    const bus = new RequestBus(hostLine, { clock: systemClock });
    // A generous timeout: a loaded machine must not make the BMS look unresponsive before the line goes.
    const driver = new JbdBmsDriver(bus, { device: 'dock-1/bms', timeoutMs: 2000 });
    const periodMs = 100;
    const poller = new DevicePoller(driver.device, () => driver.read(), { clock: systemClock, log, periodMs });
    const transitions: { state: Liveness; cause: string | null }[] = [];
    poller.liveness.onChange((state, cause) => transitions.push({ state, cause }));
    hostKeeper.onChange((open) => {
      if (!open) poller.liveness.lineLost('line closed');
    });
    hostKeeper.start();
    poller.start();
    cleanups.push(async () => {
      poller.stop();
      bus.dispose();
      await hostKeeper.stop();
    });

    await waitFor(() => poller.latest?.value.id === 'RIK-13S-0100', { what: 'a first BMS reading over the pty' });
    expect(poller.latest?.value.cellsV).toHaveLength(13);

    // Half a reply on the wire, then the line goes away.
    await deviceLine.write(Buffer.from([0xdd, 0x03, 0x00, 0x1b, 0x13]));
    const seenBefore = transitions.length;
    await pty.kill();
    await waitFor(() => poller.liveness.state === 'offline', { what: 'the BMS to be reported offline' });
    // Offline because the line closed, not after enough polls timed out: a cause, not a real-time window to miss.
    expect(transitions.slice(seenBefore).find((t) => t.state === 'offline')?.cause).toBe('line closed');

    const before = poller.polls;
    await pty.restart();
    await waitFor(() => poller.liveness.state === 'alive' && poller.polls > before + 1, {
      what: 'the BMS to come back',
      timeoutMs: 15_000,
    });
    expect(hostKeeper.reconnects).toBe(1);
    expect(transitions.map((t) => t.state)).toEqual(expect.arrayContaining(['alive', 'offline']));
    expect(transitions.at(-1)?.state).toBe('alive');
    expect(poller.latest?.value.id).toBe('RIK-13S-0100');
  });
});
