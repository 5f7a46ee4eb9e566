// Our Modbus TCP master over the real TcpTransport against an independent server (modbus-serial's ServerTCP),
// so the MBAP framing is checked by someone else's parser, not only by our own round trips.

import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { RequestBus } from '../bus/request-bus.ts';
import { systemClock } from '../../lib/clock.ts';
import { TcpTransport } from '../transports/tcp-transport.ts';
import { createTcpMaster, modbusExceptionOf } from './modbus-master.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const addr = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof addr === 'object' && addr ? addr.port : 0;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('Modbus TCP interop with modbus-serial ServerTCP', () => {
  it('reads and writes holding registers, and gets exceptions for bad addresses', async () => {
    const regs = new Map<number, number>([
      [8, 5460],
      [9, 400],
      [10, 5123],
      [18, 1],
    ]);
    const port = await freePort();
    const server = new ServerTCP(
      {
        getHoldingRegister: (addr: number) => {
          const v = regs.get(addr);
          if (v === undefined) throw Object.assign(new Error('illegal address'), { modbusErrorCode: 2 });
          return v;
        },
        setRegister: (addr: number, value: number) => void regs.set(addr, value),
      },
      { host: '127.0.0.1', port, unitID: 1 },
    );
    await new Promise<void>((r) => server.on('initialized', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));

    const transport = new TcpTransport(`tcp://127.0.0.1:${port}`);
    await transport.open();
    cleanups.push(() => transport.close());
    const master = createTcpMaster(new RequestBus(transport, { clock: systemClock }), { timeoutMs: 2000 });

    await expect(master.readHoldingRegisters(1, 8, 3)).resolves.toEqual([5460, 400, 5123]);
    await master.writeRegister(1, 18, 0);
    await master.writeRegisters(1, 8, [5880, 250]);
    expect([regs.get(18), regs.get(8), regs.get(9)]).toEqual([0, 5880, 250]);
    const err = await master.readHoldingRegisters(1, 500, 1).catch((e: unknown) => e);
    expect(modbusExceptionOf(err)?.exceptionCode).toBeGreaterThan(0);
  });
});
