// Modbus PDU (function code + data) for FC 0x03/0x04/0x06/0x10 and exception replies: the part RTU and TCP share.
// Decoders are total (a value or a typed CodecError); encoders throw a CodecError only for caller mistakes.

import { CodecError, fail, ok, type Decoded } from '../codec/codec-error.ts';

export const MODBUS = 'modbus';

export const FC = { readHolding: 0x03, readInput: 0x04, writeSingle: 0x06, writeMultiple: 0x10 } as const;
export type ReadFunction = typeof FC.readHolding | typeof FC.readInput;
export type FunctionCode = ReadFunction | typeof FC.writeSingle | typeof FC.writeMultiple;

/** Spec limits: a read reply carries at most 250 data bytes, a write-multiple request at most 246. */
export const MAX_READ_COUNT = 125;
export const MAX_WRITE_COUNT = 123;
/** Unit 0 is broadcast (writes only, nobody answers); 248–255 are reserved on a serial line. */
export const MAX_UNIT = 247;

export type ModbusRequest =
  | { kind: 'read'; unit: number; fc: ReadFunction; address: number; count: number }
  | { kind: 'write-single'; unit: number; fc: typeof FC.writeSingle; address: number; value: number }
  | { kind: 'write-multiple'; unit: number; fc: typeof FC.writeMultiple; address: number; values: number[] };

export type ModbusResponse =
  | { kind: 'read-reply'; unit: number; fc: ReadFunction; values: number[] }
  | { kind: 'write-single-reply'; unit: number; fc: typeof FC.writeSingle; address: number; value: number }
  | { kind: 'write-multiple-reply'; unit: number; fc: typeof FC.writeMultiple; address: number; count: number }
  | { kind: 'exception'; unit: number; fc: FunctionCode; code: number; name: ModbusExceptionName };

export type ModbusFrame = ModbusRequest | ModbusResponse;

const EXCEPTION_NAMES = {
  1: 'ILLEGAL_FUNCTION',
  2: 'ILLEGAL_DATA_ADDRESS',
  3: 'ILLEGAL_DATA_VALUE',
  4: 'SERVER_DEVICE_FAILURE',
  5: 'ACKNOWLEDGE',
  6: 'SERVER_DEVICE_BUSY',
  8: 'MEMORY_PARITY_ERROR',
  10: 'GATEWAY_PATH_UNAVAILABLE',
  11: 'GATEWAY_TARGET_FAILED_TO_RESPOND',
} as const;
export type ModbusExceptionName = (typeof EXCEPTION_NAMES)[keyof typeof EXCEPTION_NAMES] | 'UNKNOWN_EXCEPTION';

export function exceptionName(code: number): ModbusExceptionName {
  return (EXCEPTION_NAMES as Record<number, ModbusExceptionName | undefined>)[code] ?? 'UNKNOWN_EXCEPTION';
}

/** A Modbus exception reply as an error: the bus wraps it as the `cause` of a BusError DEVICE_ERROR. */
export class ModbusExceptionError extends CodecError {
  constructor(
    readonly unit: number,
    readonly functionCode: FunctionCode,
    readonly exceptionCode: number,
    readonly exceptionName: ModbusExceptionName,
  ) {
    super('BAD_STATUS', MODBUS, `unit ${unit} FC${hex2(functionCode)} exception ${exceptionCode} ${exceptionName}`);
    this.name = 'ModbusExceptionError';
  }
}

export function isFunctionCode(fc: number): fc is FunctionCode {
  return fc === FC.readHolding || fc === FC.readInput || fc === FC.writeSingle || fc === FC.writeMultiple;
}

const isU16 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffff;

/**
 * Why a request cannot be sent, or null when it is well-formed. On a serial line units stop at 247 and unit 0 is a
 * broadcast (writes only); over TCP the unit id is any byte (gateways use 255 for themselves).
 */
export function checkRequest(req: ModbusRequest, framing: 'rtu' | 'tcp' = 'rtu'): CodecError | null {
  const bad = (m: string) => new CodecError('BAD_PAYLOAD', MODBUS, m);
  const maxUnit = framing === 'rtu' ? MAX_UNIT : 0xff;
  if (!Number.isInteger(req.unit) || req.unit < 0 || req.unit > maxUnit)
    return bad(`unit ${req.unit} outside 0..${maxUnit}`);
  if (!isU16(req.address)) return bad(`address ${req.address} outside 0..65535`);
  switch (req.kind) {
    case 'read':
      if (req.unit === 0 && framing === 'rtu') return bad('reads cannot be broadcast (unit 0)');
      if (!Number.isInteger(req.count) || req.count < 1 || req.count > MAX_READ_COUNT)
        return bad(`count ${req.count} outside 1..${MAX_READ_COUNT}`);
      if (req.address + req.count > 0x10000) return bad('read runs past register 65535');
      return null;
    case 'write-single':
      return isU16(req.value) ? null : bad(`value ${req.value} is not a u16`);
    case 'write-multiple': {
      const n = req.values.length;
      if (n < 1 || n > MAX_WRITE_COUNT) return bad(`count ${n} outside 1..${MAX_WRITE_COUNT}`);
      if (req.address + n > 0x10000) return bad('write runs past register 65535');
      const i = req.values.findIndex((v) => !isU16(v));
      return i < 0 ? null : bad(`values[${i}] = ${req.values[i]} is not a u16`);
    }
  }
}

export function encodeRequestPdu(req: ModbusRequest, framing: 'rtu' | 'tcp' = 'rtu'): Buffer {
  const err = checkRequest(req, framing);
  if (err) throw err;
  if (req.kind === 'write-multiple') {
    const out = Buffer.alloc(6 + 2 * req.values.length);
    out.writeUInt8(req.fc, 0);
    out.writeUInt16BE(req.address, 1);
    out.writeUInt16BE(req.values.length, 3);
    out.writeUInt8(2 * req.values.length, 5);
    req.values.forEach((v, i) => out.writeUInt16BE(v, 6 + 2 * i));
    return out;
  }
  const out = Buffer.alloc(5);
  out.writeUInt8(req.fc, 0);
  out.writeUInt16BE(req.address, 1);
  out.writeUInt16BE(req.kind === 'read' ? req.count : req.value, 3);
  return out;
}

/** For simulated slaves and test fakes; throws a CodecError for values out of range. */
export function encodeResponsePdu(res: ModbusResponse): Buffer {
  const bad = (m: string) => new CodecError('BAD_PAYLOAD', MODBUS, m);
  switch (res.kind) {
    case 'read-reply': {
      if (res.values.length < 1 || res.values.length > MAX_READ_COUNT)
        throw bad(`${res.values.length} values in a read reply`);
      if (!res.values.every(isU16)) throw bad('read reply value is not a u16');
      const out = Buffer.alloc(2 + 2 * res.values.length);
      out.writeUInt8(res.fc, 0);
      out.writeUInt8(2 * res.values.length, 1);
      res.values.forEach((v, i) => out.writeUInt16BE(v, 2 + 2 * i));
      return out;
    }
    case 'write-single-reply':
    case 'write-multiple-reply': {
      const second = res.kind === 'write-single-reply' ? res.value : res.count;
      if (!isU16(res.address) || !isU16(second)) throw bad('write reply field is not a u16');
      const out = Buffer.alloc(5);
      out.writeUInt8(res.fc, 0);
      out.writeUInt16BE(res.address, 1);
      out.writeUInt16BE(second, 3);
      return out;
    }
    case 'exception':
      if (!Number.isInteger(res.code) || res.code < 1 || res.code > 0xff) throw bad(`exception code ${res.code}`);
      return Buffer.from([res.fc | 0x80, res.code]);
  }
}

/**
 * Length of the request PDU starting at `pdu[at]`, from as few bytes as possible: a number, 'more' when the
 * header is not all there yet, or 'invalid' when these bytes cannot start a request we know.
 */
export function requestPduLength(buf: Uint8Array, at: number): number | 'more' | 'invalid' {
  const fc = buf[at];
  if (fc === undefined) return 'more';
  if (fc === FC.readHolding || fc === FC.readInput || fc === FC.writeSingle) return 5;
  if (fc !== FC.writeMultiple) return 'invalid';
  const bc = buf[at + 5];
  if (bc === undefined) return 'more';
  return bc >= 2 && bc <= 2 * MAX_WRITE_COUNT && bc % 2 === 0 ? 6 + bc : 'invalid';
}

/** Same as requestPduLength, for replies (incl. exceptions). `expectFc` narrows what counts as plausible. */
export function responsePduLength(buf: Uint8Array, at: number, expectFc?: FunctionCode): number | 'more' | 'invalid' {
  const fc = buf[at];
  if (fc === undefined) return 'more';
  const base = fc & 0x7f;
  if (!isFunctionCode(base) || (expectFc !== undefined && base !== expectFc)) return 'invalid';
  if (fc & 0x80) {
    const code = buf[at + 1];
    if (code === undefined) return 'more';
    return code === 0 ? 'invalid' : 2;
  }
  if (fc === FC.writeSingle || fc === FC.writeMultiple) return 5;
  const bc = buf[at + 1];
  if (bc === undefined) return 'more';
  return bc >= 2 && bc <= 2 * MAX_READ_COUNT && bc % 2 === 0 ? 2 + bc : 'invalid';
}

export function decodeRequestPdu(unit: number, pdu: Uint8Array): Decoded<ModbusRequest> {
  const b = Buffer.from(pdu.buffer, pdu.byteOffset, pdu.byteLength);
  const fc = b[0];
  if (fc === undefined) return fail(MODBUS, 'TRUNCATED', 'empty PDU');
  if (!isFunctionCode(fc)) return fail(MODBUS, 'UNSUPPORTED', `function code 0x${hex2(fc)}`);
  if (b.length < 5) return fail(MODBUS, 'TRUNCATED', `FC${hex2(fc)} request needs 5 PDU bytes, got ${b.length}`);
  const address = b.readUInt16BE(1);
  const word = b.readUInt16BE(3);
  if (fc !== FC.writeMultiple) {
    if (b.length !== 5) return fail(MODBUS, 'BAD_LENGTH', `FC${hex2(fc)} request PDU is ${b.length} bytes, not 5`);
    if (fc === FC.writeSingle) return ok({ kind: 'write-single', unit, fc, address, value: word });
    if (word < 1 || word > MAX_READ_COUNT)
      return fail(MODBUS, 'BAD_PAYLOAD', `read count ${word} outside 1..${MAX_READ_COUNT}`);
    return ok({ kind: 'read', unit, fc, address, count: word });
  }
  const bc = b[5];
  if (bc === undefined) return fail(MODBUS, 'TRUNCATED', 'FC10 request without byte count');
  if (b.length !== 6 + bc)
    return fail(MODBUS, b.length < 6 + bc ? 'TRUNCATED' : 'BAD_LENGTH', `FC10 byte count ${bc}, PDU ${b.length} bytes`);
  if (word < 1 || word > MAX_WRITE_COUNT || bc !== 2 * word)
    return fail(MODBUS, 'BAD_PAYLOAD', `FC10 quantity ${word} with byte count ${bc}`);
  const values: number[] = [];
  for (let i = 0; i < word; i++) values.push(b.readUInt16BE(6 + 2 * i));
  return ok({ kind: 'write-multiple', unit, fc, address, values });
}

export function decodeResponsePdu(unit: number, pdu: Uint8Array): Decoded<ModbusResponse> {
  const b = Buffer.from(pdu.buffer, pdu.byteOffset, pdu.byteLength);
  const raw = b[0];
  if (raw === undefined) return fail(MODBUS, 'TRUNCATED', 'empty PDU');
  const fc = raw & 0x7f;
  if (!isFunctionCode(fc)) return fail(MODBUS, 'UNSUPPORTED', `function code 0x${hex2(raw)}`);
  const want = raw & 0x80 ? 2 : fc === FC.writeSingle || fc === FC.writeMultiple ? 5 : 2 + (b[1] ?? 0);
  if (b.length < want || b.length < 2)
    return fail(MODBUS, 'TRUNCATED', `FC${hex2(raw)} reply needs ${want} PDU bytes, got ${b.length}`);
  if (b.length > want)
    return fail(MODBUS, 'BAD_LENGTH', `FC${hex2(raw)} reply PDU is ${b.length} bytes, expected ${want}`);
  if (raw & 0x80) {
    const code = b.readUInt8(1);
    if (code === 0) return fail(MODBUS, 'BAD_PAYLOAD', 'exception code 0');
    return ok({ kind: 'exception', unit, fc, code, name: exceptionName(code) });
  }
  if (fc === FC.writeSingle)
    return ok({ kind: 'write-single-reply', unit, fc, address: b.readUInt16BE(1), value: b.readUInt16BE(3) });
  if (fc === FC.writeMultiple) {
    const count = b.readUInt16BE(3);
    if (count < 1 || count > MAX_WRITE_COUNT) return fail(MODBUS, 'BAD_PAYLOAD', `FC10 reply quantity ${count}`);
    return ok({ kind: 'write-multiple-reply', unit, fc, address: b.readUInt16BE(1), count });
  }
  const bc = b.readUInt8(1);
  if (bc === 0 || bc % 2 !== 0 || bc > 2 * MAX_READ_COUNT)
    return fail(MODBUS, 'BAD_LENGTH', `FC${hex2(fc)} byte count ${bc}`);
  const values: number[] = [];
  for (let i = 0; i < bc / 2; i++) values.push(b.readUInt16BE(2 + 2 * i));
  return ok({ kind: 'read-reply', unit, fc, values });
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

function reg(address: number): string {
  return `@${address} (0x${address.toString(16).toUpperCase().padStart(4, '0')})`;
}

function list(values: readonly number[], max = 16): string {
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `[${shown}, … ${values.length - max} more]` : `[${shown}]`;
}

/** One-line log form, e.g. `unit 1 FC03 read holding @8 (0x0008) x12`. */
export function describeFrame(f: ModbusFrame): string {
  const head = `unit ${f.unit} FC${hex2(f.fc)}`;
  switch (f.kind) {
    case 'read':
      return `${head} read ${f.fc === FC.readHolding ? 'holding' : 'input'} ${reg(f.address)} x${f.count}`;
    case 'write-single':
      return `${head} write ${reg(f.address)} = ${f.value}`;
    case 'write-multiple':
      return `${head} write ${reg(f.address)} = ${list(f.values)}`;
    case 'read-reply':
      return `${head} reply ${f.values.length} regs ${list(f.values)}`;
    case 'write-single-reply':
      return `${head} reply ${reg(f.address)} = ${f.value}`;
    case 'write-multiple-reply':
      return `${head} reply ${reg(f.address)} x${f.count}`;
    case 'exception':
      return `${head} exception ${f.code} ${f.name}`;
  }
}

/** Hex dump for logs and fixtures: `01 03 00 08`. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (x) => hex2(x)).join(' ');
}
