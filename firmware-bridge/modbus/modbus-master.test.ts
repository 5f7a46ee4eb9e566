// The Modbus master over a memory link against a fake register server: RTU and TCP framing, exceptions,
// timeouts that name device and request, CRC errors in the counters, broadcasts and the safety lane.

import { describe, expect, it } from 'vitest';
import { BusError, RequestBus } from '../bus/request-bus.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { CodecError } from '../codec/codec-error.ts';
import { createMemoryLink } from '../transports/memory-transport.ts';
import { createRtuMaster, createTcpMaster, modbusExceptionOf } from './modbus-master.ts';
import { ModbusExceptionError } from './modbus-pdu.ts';
import { encodeRtuRequest } from './modbus-rtu-codec.ts';
import { createTcpRequestDecoder, encodeTcpResponse } from './modbus-tcp-codec.ts';
import { FakeRegisterServer } from './testing/fake-register-server.ts';

const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const regs = (from: number, values: number[]) => Object.fromEntries(values.map((v, i) => [from + i, v]));

async function setup(framing: 'rtu' | 'tcp' = 'rtu') {
  const clock = new ManualClock();
  const link = createMemoryLink('modbus-test');
  const server = await new FakeRegisterServer(link.device, {
    framing,
    holding: regs(
      0,
      Array.from({ length: 50 }, (_, i) => i * 10),
    ),
  }).start();
  await link.host.open();
  const bus = new RequestBus(link.host, { clock });
  const opts = { timeoutMs: 200, deviceName: (u: number) => `psu-${u}` };
  const master = framing === 'rtu' ? createRtuMaster(bus, opts) : createTcpMaster(bus, opts);
  return { clock, link, server, bus, master };
}

/** Settles a promise that is expected to fail, so the rejection is never unhandled while the clock runs. */
const settle = <T>(p: Promise<T>) =>
  p.then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  );

describe('ModbusMaster over RTU', () => {
  it('reads holding registers with the M5 frame and returns the values', async () => {
    const { master, server } = await setup();
    await expect(master.readHoldingRegisters(1, 8, 12)).resolves.toEqual([
      80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190,
    ]);
    expect(server.received[0]).toEqual(hex('01 03 00 08 00 0C C4 0D'));
  });

  it('reads input registers with FC 0x04', async () => {
    const { master, server } = await setup();
    server.input.set(3, 1234);
    await expect(master.readInputRegisters(1, 3, 1)).resolves.toEqual([1234]);
    expect(server.requests[0]).toMatchObject({ fc: 4 });
  });

  it('writes single and multiple registers', async () => {
    const { master, server } = await setup();
    await master.writeRegister(1, 8, 5460);
    await master.writeRegisters(1, 8, [5880, 400]);
    expect([server.holding.get(8), server.holding.get(9)]).toEqual([5880, 400]);
    expect(server.received[0]).toEqual(hex('01 06 00 08 15 54 07 67'));
    expect(server.received[1]).toEqual(
      encodeRtuRequest({ kind: 'write-multiple', unit: 1, fc: 16, address: 8, values: [5880, 400] }),
    );
  });

  it('turns an exception reply into BusError DEVICE_ERROR carrying the exception code', async () => {
    const { master, bus } = await setup();
    const r = await settle(master.readHoldingRegisters(1, 1000, 2));
    expect(r.ok).toBe(false);
    const err = r.ok ? null : r.e;
    expect(err).toBeInstanceOf(BusError);
    expect(err).toMatchObject({ code: 'DEVICE_ERROR', device: 'psu-1' });
    const ex = modbusExceptionOf(err);
    expect(ex).toBeInstanceOf(ModbusExceptionError);
    expect(ex).toMatchObject({ exceptionCode: 2, exceptionName: 'ILLEGAL_DATA_ADDRESS', functionCode: 3 });
    expect(bus.countersFor('psu-1').deviceErrors).toBe(1);
  });

  it('times out with a BusError that names the device and the request', async () => {
    const { master, server, clock, bus } = await setup();
    server.mute = true;
    const p = settle(master.readHoldingRegisters(1, 8, 12, { device: 'dock-3/charger' }));
    await clock.advanceAsync(250, 50);
    const r = await p;
    expect(r.ok).toBe(false);
    expect(r.ok ? null : r.e).toMatchObject({
      code: 'TIMEOUT',
      device: 'dock-3/charger',
      request: 'unit 1 FC03 read holding @8 (0x0008) x12',
    });
    expect(String(r.ok ? '' : r.e)).toContain('timeout after 200 ms');
    expect(bus.countersFor('dock-3/charger').timeouts).toBe(1);
  });

  it('counts a reply with a broken CRC, fails it as a bad checksum, and the next exchange works', async () => {
    const { master, server, clock, bus } = await setup();
    server.corruptNextReplies = 1;
    const p = settle(master.readHoldingRegisters(1, 0, 4));
    await clock.advanceAsync(250, 50);
    expect(await p).toMatchObject({ ok: false, e: { code: 'BAD_CHECKSUM' } });
    expect(bus.countersFor('psu-1')).toMatchObject({ crcErrors: 1, badChecksumReplies: 1, timeouts: 0 });
    await expect(master.readHoldingRegisters(1, 0, 4)).resolves.toEqual([0, 10, 20, 30]);
  });

  it('finds the reply behind line noise and counts the resync', async () => {
    const { master, server, bus } = await setup();
    server.noiseBeforeReply = Uint8Array.from([0x00, 0xff, 0x13]);
    await expect(master.readHoldingRegisters(1, 2, 1)).resolves.toEqual([20]);
    expect(bus.countersFor('psu-1')).toMatchObject({ resyncs: 1, garbageBytes: 3, responses: 1 });
  });

  it('sends broadcast writes without waiting for a reply, and refuses broadcast reads', async () => {
    const { master, server } = await setup();
    await expect(master.execute({ kind: 'write-single', unit: 0, fc: 6, address: 18, value: 0 })).resolves.toBeNull();
    await new Promise((r) => setImmediate(r));
    expect(server.holding.get(18)).toBe(0);
    await expect(master.readHoldingRegisters(0, 0, 1)).rejects.toBeInstanceOf(CodecError);
  });

  it('lets a safety write overtake queued reads', async () => {
    const { master, server } = await setup();
    const reads = [
      master.readHoldingRegisters(1, 8, 1),
      master.readHoldingRegisters(1, 9, 1),
      master.readHoldingRegisters(1, 10, 1),
    ];
    const off = master.writeRegister(1, 18, 0, { priority: 'safety' });
    await Promise.all([...reads, off]);
    expect(server.requests.map((r) => r.kind + '@' + r.address)).toEqual([
      'read@8',
      'write-single@18',
      'read@9',
      'read@10',
    ]);
  });
});

describe('ModbusMaster over TCP (MBAP)', () => {
  it('reads and writes with increasing transaction ids', async () => {
    const { master, server } = await setup('tcp');
    await expect(master.readHoldingRegisters(1, 8, 2)).resolves.toEqual([80, 90]);
    await master.writeRegisters(1, 8, [5460, 400]);
    expect(server.holding.get(9)).toBe(400);
    expect(server.received[0]?.toString('hex')).toBe('000100000006010300080002');
    expect(server.received[1]?.subarray(0, 2).toString('hex')).toBe('0002');
  });

  it('ignores a late reply with another transaction id and takes the right one', async () => {
    const clock = new ManualClock();
    const link = createMemoryLink('tcp-late');
    await Promise.all([link.host.open(), link.device.open()]);
    const d = createTcpRequestDecoder();
    link.device.onData((chunk) => {
      for (const ev of d.push(chunk)) {
        if (ev.kind !== 'frame') continue;
        const id = ev.frame.transactionId;
        const reply = (v: number) => ({ kind: 'read-reply' as const, unit: 1, fc: 3 as const, values: [v] });
        void link.device.write(
          Buffer.concat([encodeTcpResponse(id - 1, reply(111)), encodeTcpResponse(id, reply(222))]),
        );
      }
    });
    const master = createTcpMaster(new RequestBus(link.host, { clock }), { firstTransactionId: 40 });
    await expect(master.readHoldingRegisters(1, 0, 1)).resolves.toEqual([222]);
  });

  it('reports exceptions as DEVICE_ERROR too', async () => {
    const { master } = await setup('tcp');
    const r = await settle(master.writeRegister(1, 999, 1));
    expect(r.ok ? null : modbusExceptionOf(r.e)?.exceptionName).toBe('ILLEGAL_DATA_ADDRESS');
  });
});
