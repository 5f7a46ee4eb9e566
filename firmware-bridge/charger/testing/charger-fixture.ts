// Test wiring for charger drivers: a memory link, a request bus on a manual clock, an RTU master, and a fake
// register server holding an RD6018's registers as vectors M12 (regs 8–19) and M13 (regs 32–41) describe them.

import { RequestBus } from '../../bus/request-bus.ts';
import { ManualClock } from '../../../lib/manual-clock.ts';
import { createRtuMaster, type ModbusMaster } from '../../modbus/modbus-master.ts';
import type { ModbusResponse } from '../../modbus/modbus-pdu.ts';
import { FakeRegisterServer } from '../../modbus/testing/fake-register-server.ts';
import { createMemoryLink } from '../../transports/memory-transport.ts';

/** M12: Vset 54.60, Iset 4.00, Vout 51.23, Iout 3.98, reg12 0, P 203.89 W, Vin 65.00, unlocked, no protection, CC, on, M0. */
export const M12_VALUES = [5460, 400, 5123, 398, 0, 20389, 6500, 0, 0, 1, 1, 0];
/** M13 as shared: battery mode, Vbat 49.87, 24 °C / 75 °F, 2.150 Ah, Wh regs 0x0000 0xACE8 (= 44.264 Wh). */
export const M13_VALUES = [1, 4987, 0, 24, 0, 75, 0, 2150, 0, 0xace8];

export function rd6018Registers(modelId = 60181): Record<number, number> {
  const r: Record<number, number> = {
    0: modelId,
    1: 0,
    2: 1234,
    3: 128,
    4: 0,
    5: 31,
    6: 0,
    7: 88,
    20: 0,
    80: 5460,
    81: 400,
    82: 6000,
    83: 1850,
  };
  M12_VALUES.forEach((v, i) => (r[8 + i] = v));
  M13_VALUES.forEach((v, i) => (r[32 + i] = v));
  return r;
}

export interface ChargerRig {
  clock: ManualClock;
  bus: RequestBus;
  master: ModbusMaster<ModbusResponse>;
  server: FakeRegisterServer;
  /** Hex of every request frame the fake heard, in order. */
  heard(): string[];
}

export async function chargerRig(
  holding: Record<number, number> = rd6018Registers(),
  opts: { unit?: number; input?: Record<number, number> } = {},
): Promise<ChargerRig> {
  const clock = new ManualClock();
  const link = createMemoryLink('charger-test');
  const server = await new FakeRegisterServer(link.device, { holding, ...opts }).start();
  await link.host.open();
  const bus = new RequestBus(link.host, { clock });
  const master = createRtuMaster(bus, { timeoutMs: 200 });
  return { clock, bus, master, server, heard: () => server.received.map((b) => hex(b)) };
}

export const hex = (b: Uint8Array): string =>
  Buffer.from(b)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');

/** Settles a promise that is expected to fail, so its rejection is never unhandled while a manual clock runs. */
export const settle = <T>(p: Promise<T>) =>
  p.then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  );
