// Modbus RTU throughput at 19200 baud: our RTU master on the RequestBus polls a simulated RD6018 over a socat pty
// pair, both directions paced at the line's speed, against the theoretical maximum for the station's real poll.

import { systemClock } from '../lib/clock.ts';
import { RequestBus } from '../firmware-bridge/bus/request-bus.ts';
import { createRtuMaster } from '../firmware-bridge/modbus/modbus-master.ts';
import { SerialTransport } from '../firmware-bridge/transports/serial-transport.ts';
import { ChargerModel } from '../hardware/battery/charger-model.ts';
import { RidenSim } from '../hardware/riden/riden-sim.ts';
import { ptyPair } from '../test/support/socat.ts';
import type { Benchmark } from './benchmark.ts';
import { PacedLine } from './support/paced-line.ts';

const BAUD = 19200;
/** 8N1 as the RD60xx speaks it: start + 8 data + stop = 10 bits per character (11 with parity or 2 stop bits). */
const BITS_PER_CHAR = 10;
const CHAR_MS = (BITS_PER_CHAR * 1000) / BAUD;
/** Modbus t3.5: the silent interval that ends an RTU frame. */
const GAP_MS = 3.5 * CHAR_MS;
/** The station's real poll: FC03 read of registers 8..19 (12 registers). */
const FIRST_REG = 8;
const COUNT = 12;
/** Request: unit, fc, address(2), count(2), crc(2). Reply: unit, fc, byte count, 2×12 data, crc(2). */
const REQUEST_CHARS = 8;
const REPLY_CHARS = 5 + 2 * COUNT;
/**
 * One transaction on the wire at best: the request's characters, a t3.5 silence (the slave only knows the request has
 * ended after it), the reply's characters, and another t3.5 before the master may start the next request:
 *   T = (8 + 3.5 + 29 + 3.5) chars × 10 bits / 19200 bit/s = 44 × 0.5208 ms = 22.92 ms  →  max 43.6 tx/s.
 * A real slave also needs some processing time before answering; we count that as zero, so the maximum is generous.
 */
const THEORETICAL_MS = (REQUEST_CHARS + REPLY_CHARS + 2 * 3.5) * CHAR_MS;
const THEORETICAL_TPS = 1000 / THEORETICAL_MS;
const RUN_MS = 5000;
const WARMUP_MS = 500;

interface Measured {
  tps: number;
  errors: number;
}

async function measure(): Promise<Measured> {
  const pair = await ptyPair('modbus-bench');
  const device = new SerialTransport(pair.b, { baudRate: BAUD });
  const host = new SerialTransport(pair.a, { baudRate: BAUD });
  // The pty moves bytes at once; the sim paces its replies (PacedWriter: 4-character chunks, the next chunk after
  // the previous one's wire time, so the last chunk of 1 character lands ~0.5 ms early) and the master's requests
  // reach the sim only after their own character times (PacedLine).
  const line = new PacedLine(host, { baudRate: BAUD, bitsPerChar: BITS_PER_CHAR, clock: systemClock });
  const sim = new RidenSim({
    line: device,
    charger: new ChargerModel(),
    clock: systemClock,
    baudRate: BAUD,
    around: { terminalVoltageV: () => 52.1, probeTempC: () => 25, ambientC: () => 25 },
  });
  const bus = new RequestBus(line, { clock: systemClock, gapMs: GAP_MS });
  const master = createRtuMaster(bus, { timeoutMs: 200 });
  try {
    await device.open();
    await host.open();
    sim.start();
    let errors = 0;
    const poll = async (): Promise<boolean> => {
      try {
        await master.readHoldingRegisters(1, FIRST_REG, COUNT);
        return true;
      } catch {
        errors++;
        return false;
      }
    };
    const warmEnd = performance.now() + WARMUP_MS;
    while (performance.now() < warmEnd) await poll();
    errors = 0;
    let done = 0;
    const start = performance.now();
    const end = start + RUN_MS;
    while (performance.now() < end) if (await poll()) done++;
    const elapsed = performance.now() - start;
    return { tps: (done * 1000) / elapsed, errors };
  } finally {
    sim.stop();
    bus.dispose();
    await host.close();
    await device.close();
    await pair.kill();
  }
}

// Both figures come from one run.
let once: Promise<Measured> | null = null;
const result = (): Promise<Measured> => {
  once ??= measure().then((m) => {
    process.stderr.write(
      `  modbus: ${m.tps.toFixed(2)} tx/s of ${THEORETICAL_TPS.toFixed(2)} theoretical (${THEORETICAL_MS.toFixed(2)} ms/tx), ${m.errors} errors\n`,
    );
    return m;
  });
  return once;
};

export const benchmarks: Benchmark[] = [
  {
    name: 'modbus rtu 19200 transactions/s',
    unit: 'tx/s',
    target: Math.round(0.8 * THEORETICAL_TPS),
    better: 'higher',
    run: async () => (await result()).tps,
  },
  {
    name: 'modbus rtu 19200 efficiency',
    unit: '%',
    target: 80,
    better: 'higher',
    run: async () => (100 * (await result()).tps) / THEORETICAL_TPS,
  },
];
