// fast-check generators for every well-formed Modbus request and reply, shared by the codec and decoder tests.

import fc from 'fast-check';
import {
  exceptionName,
  FC,
  MAX_READ_COUNT,
  MAX_WRITE_COUNT,
  type ModbusRequest,
  type ModbusResponse,
} from '../modbus-pdu.ts';

const u16 = fc.integer({ min: 0, max: 0xffff });

export const arbRequest = (
  unit: fc.Arbitrary<number> = fc.integer({ min: 1, max: 247 }),
): fc.Arbitrary<ModbusRequest> =>
  fc.oneof(
    fc
      .record({
        unit,
        fc: fc.constantFrom(FC.readHolding, FC.readInput),
        count: fc.integer({ min: 1, max: MAX_READ_COUNT }),
        address: u16,
      })
      .map((r): ModbusRequest => ({ kind: 'read', ...r, address: Math.min(r.address, 0x10000 - r.count) })),
    fc
      .record({ unit, address: u16, value: u16 })
      .map((r): ModbusRequest => ({ kind: 'write-single', fc: FC.writeSingle, ...r })),
    fc
      .record({ unit, address: u16, values: fc.array(u16, { minLength: 1, maxLength: MAX_WRITE_COUNT }) })
      .map((r): ModbusRequest => ({
        kind: 'write-multiple',
        fc: FC.writeMultiple,
        ...r,
        address: Math.min(r.address, 0x10000 - r.values.length),
      })),
  );

export const arbResponse = (
  unit: fc.Arbitrary<number> = fc.integer({ min: 1, max: 247 }),
): fc.Arbitrary<ModbusResponse> =>
  fc.oneof(
    fc
      .record({
        unit,
        fc: fc.constantFrom(FC.readHolding, FC.readInput),
        values: fc.array(u16, { minLength: 1, maxLength: MAX_READ_COUNT }),
      })
      .map((r): ModbusResponse => ({ kind: 'read-reply', ...r })),
    fc
      .record({ unit, address: u16, value: u16 })
      .map((r): ModbusResponse => ({ kind: 'write-single-reply', fc: FC.writeSingle, ...r })),
    fc
      .record({ unit, address: u16, count: fc.integer({ min: 1, max: MAX_WRITE_COUNT }) })
      .map((r): ModbusResponse => ({ kind: 'write-multiple-reply', fc: FC.writeMultiple, ...r })),
    fc
      .record({
        unit,
        fc: fc.constantFrom(FC.readHolding, FC.readInput, FC.writeSingle, FC.writeMultiple),
        code: fc.integer({ min: 1, max: 255 }),
      })
      .map((r): ModbusResponse => ({ kind: 'exception', ...r, name: exceptionName(r.code) })),
  );
