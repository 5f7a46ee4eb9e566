// COMM_GET_VALUES / COMM_GET_VALUES_SELECTIVE reply layout of current VESC firmware (bldc comm/commands.c):
// one table of 22 fields, each with its mask bit, wire type and scale, drives decoding and encoding of both replies.

import { fail, ok, type Decoded } from '../codec/codec-error.ts';
import { ByteReader, ByteWriter } from './vesc-bytes.ts';
import { vescFault, type VescFault } from './vesc-faults.ts';
import { VESC_PROTOCOL } from './vesc-packet.ts';

export const COMM_GET_VALUES = 4;
export const COMM_GET_VALUES_SELECTIVE = 50;

/** Everything a current VESC reports in GET_VALUES, in SI units. */
export interface VescValues {
  /** MOSFET temperature, filtered. */
  tempFetC: number;
  tempMotorC: number;
  /** Average motor (phase) current since the last read; the firmware resets the average on every read. */
  motorCurrentA: number;
  /** Average battery current since the last read (negative while braking regeneratively). */
  inputCurrentA: number;
  idA: number;
  iqA: number;
  /** −1..1. */
  duty: number;
  /** Electrical RPM (`mc_interface_get_rpm()`); divide by pole pairs for the motor's mechanical RPM. */
  erpm: number;
  inputV: number;
  ampHours: number;
  ampHoursCharged: number;
  wattHours: number;
  wattHoursCharged: number;
  /** Signed commutation steps since boot: 6 per electrical revolution (see vesc-odometer.ts). */
  tachometer: number;
  /** Unsigned commutation steps since boot (int32 on the wire). */
  tachometerAbs: number;
  fault: VescFault;
  pidPosDeg: number;
  controllerId: number;
  tempMosC: readonly [number, number, number];
  vdV: number;
  vqV: number;
  /** No command came within the app timeout: the firmware has released the motor. */
  timeoutActive: boolean;
  killSwitchActive: boolean;
}

/** Mask bits of GET_VALUES_SELECTIVE, one per field group of the reply. */
export const VescValueBit = {
  TEMP_FET: 0,
  TEMP_MOTOR: 1,
  MOTOR_CURRENT: 2,
  INPUT_CURRENT: 3,
  ID: 4,
  IQ: 5,
  DUTY: 6,
  ERPM: 7,
  INPUT_V: 8,
  AMP_HOURS: 9,
  AMP_HOURS_CHARGED: 10,
  WATT_HOURS: 11,
  WATT_HOURS_CHARGED: 12,
  TACHOMETER: 13,
  TACHOMETER_ABS: 14,
  FAULT: 15,
  PID_POS: 16,
  CONTROLLER_ID: 17,
  TEMP_MOS: 18,
  VD: 19,
  VQ: 20,
  STATUS: 21,
} as const;

export type VescValueBitName = keyof typeof VescValueBit;

export function vescValuesMask(...bits: VescValueBitName[]): number {
  return bits.reduce((m, b) => (m | (1 << VescValueBit[b])) >>> 0, 0);
}

type NumberKey = { [K in keyof VescValues]: VescValues[K] extends number ? K : never }[keyof VescValues];

interface Field {
  bit: number;
  size: number;
  read(r: ByteReader, out: Partial<VescValues>): void;
  write(w: ByteWriter, v: VescValues): void;
}

const f16 = (bit: number, key: NumberKey, scale: number): Field => ({
  bit,
  size: 2,
  read: (r, out) => void (out[key] = r.f16(scale)),
  write: (w, v) => void w.f16(v[key], scale),
});

const f32 = (bit: number, key: NumberKey, scale: number): Field => ({
  bit,
  size: 4,
  read: (r, out) => void (out[key] = r.f32(scale)),
  write: (w, v) => void w.f32(v[key], scale),
});

// The firmware appends these with buffer_append_int32 / a plain byte: same bytes as a scale of 1, no fraction.
const i32 = (bit: number, key: NumberKey): Field => f32(bit, key, 1);

const u8 = (bit: number, key: NumberKey): Field => ({
  bit,
  size: 1,
  read: (r, out) => void (out[key] = r.u8()),
  write: (w, v) => void w.u8(v[key]),
});

const FIELDS: readonly Field[] = [
  f16(0, 'tempFetC', 1e1),
  f16(1, 'tempMotorC', 1e1),
  f32(2, 'motorCurrentA', 1e2),
  f32(3, 'inputCurrentA', 1e2),
  f32(4, 'idA', 1e2),
  f32(5, 'iqA', 1e2),
  f16(6, 'duty', 1e3),
  f32(7, 'erpm', 1),
  f16(8, 'inputV', 1e1),
  f32(9, 'ampHours', 1e4),
  f32(10, 'ampHoursCharged', 1e4),
  f32(11, 'wattHours', 1e4),
  f32(12, 'wattHoursCharged', 1e4),
  i32(13, 'tachometer'),
  i32(14, 'tachometerAbs'),
  {
    bit: 15,
    size: 1,
    read: (r, out) => void (out.fault = vescFault(r.u8())),
    write: (w, v) => void w.u8(v.fault.code),
  },
  f32(16, 'pidPosDeg', 1e6),
  u8(17, 'controllerId'),
  {
    bit: 18,
    size: 6,
    read: (r, out) => void (out.tempMosC = [r.f16(1e1), r.f16(1e1), r.f16(1e1)]),
    write: (w, v) => void w.f16(v.tempMosC[0], 1e1).f16(v.tempMosC[1], 1e1).f16(v.tempMosC[2], 1e1),
  },
  f32(19, 'vdV', 1e3),
  f32(20, 'vqV', 1e3),
  {
    bit: 21,
    size: 1,
    read: (r, out) => {
      const s = r.u8();
      out.timeoutActive = (s & 1) !== 0;
      out.killSwitchActive = (s & 2) !== 0;
    },
    write: (w, v) => void w.u8((v.timeoutActive ? 1 : 0) | (v.killSwitchActive ? 2 : 0)),
  },
];

/** Every bit the current firmware knows; it ignores the others (they echo in the mask but add no data). */
export const VESC_ALL_VALUES_MASK = FIELDS.reduce((m, f) => (m | (1 << f.bit)) >>> 0, 0);
/** Payload length of a full GET_VALUES reply: id byte + 73 bytes of fields. */
export const VESC_GET_VALUES_LENGTH = 1 + FIELDS.reduce((n, f) => n + f.size, 0);

const selected = (mask: number): Field[] => FIELDS.filter((f) => ((mask >>> f.bit) & 1) === 1);

/** Decodes a full GET_VALUES reply; bytes after the 74 known ones (a newer firmware's additions) are ignored. */
export function decodeGetValuesReply(payload: Uint8Array): Decoded<VescValues> {
  if (payload[0] !== COMM_GET_VALUES) {
    return fail(VESC_PROTOCOL, 'UNSUPPORTED', `payload id ${payload[0] ?? 'none'} is not COMM_GET_VALUES (4)`);
  }
  if (payload.length < VESC_GET_VALUES_LENGTH) {
    return fail(
      VESC_PROTOCOL,
      'BAD_PAYLOAD',
      `GET_VALUES reply of ${payload.length} bytes, current firmware sends ${VESC_GET_VALUES_LENGTH} (older layout?)`,
    );
  }
  const r = new ByteReader(payload, 1);
  const out: Partial<VescValues> = {};
  for (const f of FIELDS) f.read(r, out);
  // Every field of the table was read, and the table covers every key of VescValues.
  return ok(out as VescValues);
}

export interface VescSelectiveValues {
  /** The mask the device echoed (it may hold bits this firmware does not know). */
  mask: number;
  values: Partial<VescValues>;
}

export function decodeGetValuesSelectiveReply(payload: Uint8Array): Decoded<VescSelectiveValues> {
  if (payload[0] !== COMM_GET_VALUES_SELECTIVE) {
    return fail(
      VESC_PROTOCOL,
      'UNSUPPORTED',
      `payload id ${payload[0] ?? 'none'} is not COMM_GET_VALUES_SELECTIVE (50)`,
    );
  }
  if (payload.length < 5) return fail(VESC_PROTOCOL, 'BAD_PAYLOAD', 'GET_VALUES_SELECTIVE reply without its mask');
  const r = new ByteReader(payload, 1);
  const mask = r.u32();
  const fields = selected(mask);
  const need = 5 + fields.reduce((n, f) => n + f.size, 0);
  if (payload.length < need) {
    return fail(VESC_PROTOCOL, 'BAD_PAYLOAD', `mask 0x${mask.toString(16)} needs ${need} bytes, got ${payload.length}`);
  }
  const values: Partial<VescValues> = {};
  for (const f of fields) f.read(r, values);
  return ok({ mask, values });
}

/** The reply payload a current firmware sends for COMM_GET_VALUES (for the simulator). */
export function encodeGetValuesReply(v: VescValues): Buffer {
  const w = new ByteWriter().u8(COMM_GET_VALUES);
  for (const f of FIELDS) f.write(w, v);
  return w.toBuffer();
}

/** The reply to COMM_GET_VALUES_SELECTIVE: id, the mask echoed, then only the selected fields in bit order. */
export function encodeGetValuesSelectiveReply(v: VescValues, mask: number): Buffer {
  const w = new ByteWriter().u8(COMM_GET_VALUES_SELECTIVE).u32(mask);
  for (const f of selected(mask)) f.write(w, v);
  return w.toBuffer();
}
