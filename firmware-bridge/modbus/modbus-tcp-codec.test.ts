// Modbus TCP (MBAP) framing: byte layout, round trips, typed errors for junk, and stream resync after lost bytes.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CodecError } from '../codec/codec-error.ts';
import type { DecodeEvent } from '../codec/frame-decoder.ts';
import type { ModbusResponse } from './modbus-pdu.ts';
import {
  createTcpRequestDecoder,
  createTcpResponseDecoder,
  decodeTcpRequest,
  decodeTcpResponse,
  encodeTcpRequest,
  encodeTcpResponse,
  type MbapFrame,
} from './modbus-tcp-codec.ts';
import { arbRequest, arbResponse } from './testing/modbus-arbitraries.ts';

const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const live: ModbusResponse = { kind: 'read-reply', unit: 1, fc: 3, values: [5460, 400] };

describe('MBAP frames', () => {
  it('lays out the header as the spec says (M5 over TCP, transaction 1)', () => {
    // Same PDU as vector M5, wrapped in MBAP: tx 0001, protocol 0000, length 0006, unit 01; no CRC.
    expect(encodeTcpRequest(1, { kind: 'read', unit: 1, fc: 3, address: 8, count: 12 })).toEqual(
      hex('00 01 00 00 00 06 01 03 00 08 00 0C'),
    );
    expect(encodeTcpResponse(0x1234, live)).toEqual(hex('12 34 00 00 00 07 01 03 04 15 54 01 90'));
  });

  it('round-trips requests and replies with their transaction id', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        arbRequest(fc.integer({ min: 0, max: 255 })),
        arbResponse(),
        (tx, req, res) => {
          expect(decodeTcpRequest(encodeTcpRequest(tx, req))).toEqual({
            ok: true,
            value: { transactionId: tx, message: req },
          });
          expect(decodeTcpResponse(encodeTcpResponse(tx, res))).toEqual({
            ok: true,
            value: { transactionId: tx, message: res },
          });
        },
      ),
    );
  });

  it('gives typed errors for junk, never a throw', () => {
    expect(decodeTcpResponse(hex('00 01 00 05 00 03 01 83 02'))).toMatchObject({
      ok: false,
      error: { code: 'BAD_START' },
    });
    expect(decodeTcpResponse(hex('00 01 00 00 00 09 01 83 02'))).toMatchObject({
      ok: false,
      error: { code: 'TRUNCATED' },
    });
    expect(decodeTcpResponse(hex('00 01 00 00 00 03 01 83 02'))).toMatchObject({
      ok: true,
      value: { message: { name: 'ILLEGAL_DATA_ADDRESS' } },
    });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        for (const r of [decodeTcpResponse(b), decodeTcpRequest(b)])
          if (!r.ok) expect(r.error).toBeInstanceOf(CodecError);
      }),
      { numRuns: 1000 },
    );
  });
});

const frames = <F>(evs: DecodeEvent<F>[]) => evs.flatMap((e) => (e.kind === 'frame' ? [e.frame] : []));

describe('MBAP stream decoders', () => {
  it('joins a split frame and splits joined frames', () => {
    const a = encodeTcpResponse(1, live);
    const b = encodeTcpResponse(2, { kind: 'write-single-reply', unit: 1, fc: 6, address: 18, value: 0 });
    const d = createTcpResponseDecoder();
    const evs = [...d.push(a.subarray(0, 5)), ...d.push(Buffer.concat([a.subarray(5), b]))];
    expect(frames(evs).map((f: MbapFrame<ModbusResponse>) => f.transactionId)).toEqual([1, 2]);
  });

  it('recovers after the tail of an earlier frame (bytes the bus dropped between exchanges)', () => {
    const stale = encodeTcpResponse(7, live).subarray(4);
    const d = createTcpResponseDecoder({ fc: 3 });
    const evs = d.push(Buffer.concat([stale, encodeTcpResponse(8, live)]));
    expect(frames(evs).map((f) => f.transactionId)).toEqual([8]);
    expect(evs[0]).toMatchObject({ kind: 'resync' });
  });

  it('decodes requests for a simulated TCP slave', () => {
    const d = createTcpRequestDecoder();
    const evs = d.push(
      encodeTcpRequest(9, { kind: 'write-multiple', unit: 1, fc: 16, address: 8, values: [5460, 400] }),
    );
    expect(frames(evs)).toEqual([
      { transactionId: 9, message: { kind: 'write-multiple', unit: 1, fc: 16, address: 8, values: [5460, 400] } },
    ]);
  });
});
