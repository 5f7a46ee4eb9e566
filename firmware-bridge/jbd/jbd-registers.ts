// Typed content of the JBD registers the station uses: basic info (0x03), cell voltages (0x04), hardware id (0x05),
// MOSFET control (0xE1). Decoders are total; encoders exist for the simulated BMS. Scaling: shared/protocols.md §1.

import { fail, ok, type Decoded } from '../codec/codec-error.ts';
import { JBD } from './jbd-codec.ts';

const PROTECTION_FLAGS = [
  'cell-over-voltage',
  'cell-under-voltage',
  'pack-over-voltage',
  'pack-under-voltage',
  'charge-over-temperature',
  'charge-under-temperature',
  'discharge-over-temperature',
  'discharge-under-temperature',
  'charge-over-current',
  'discharge-over-current',
  'short-circuit',
  'afe-error',
  'mosfet-software-lock',
  'charge-timeout',
] as const;
/**
 * A named flag, or `unknown-bit-N` for a set bit the table has no name for (14 and 15 in the public sources): a BMS
 * that raises a bit we cannot name is still protecting something, so the name is kept and the station stops the dock.
 */
export type ProtectionFlag = (typeof PROTECTION_FLAGS)[number] | `unknown-bit-${number}`;

export interface JbdBasicInfo {
  voltageV: number;
  /** Positive while charging, negative while discharging. */
  currentA: number;
  remainingAh: number;
  nominalAh: number;
  cycles: number;
  productionDate: { year: number; month: number; day: number };
  /** Cell indexes (1-based) whose balancer is active. */
  balancing: number[];
  protectionBits: number;
  protection: ProtectionFlag[];
  softwareVersion: string;
  socPct: number;
  chargeFetOn: boolean;
  dischargeFetOn: boolean;
  cellCount: number;
  tempsC: number[];
}

/** Every set bit of the 16-bit protection word, by name; bits without one as `unknown-bit-N`. */
export function protectionNames(bits: number): ProtectionFlag[] {
  const out: ProtectionFlag[] = [];
  for (let i = 0; i < 16; i++) {
    if ((bits & (1 << i)) === 0) continue;
    out.push(PROTECTION_FLAGS[i] ?? `unknown-bit-${i}`);
  }
  return out;
}

/** The protection word for a list of flags (the simulated BMS's side); throws on a name that is neither. */
export function protectionBits(flags: readonly ProtectionFlag[]): number {
  let bits = 0;
  for (const f of flags) {
    const named = (PROTECTION_FLAGS as readonly string[]).indexOf(f);
    const unknown = /^unknown-bit-(\d+)$/.exec(f);
    const bit = named >= 0 ? named : unknown ? Number(unknown[1]) : -1;
    if (bit < 0 || bit > 15) throw new RangeError(`jbd: no protection bit for ${f}`);
    bits |= 1 << bit;
  }
  return bits;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function decodeBasicInfo(data: Uint8Array): Decoded<JbdBasicInfo> {
  if (data.length < 23) return fail(JBD, 'BAD_PAYLOAD', `basic info needs 23 bytes, got ${data.length}`);
  const b = Buffer.from(data);
  const ntc = b.readUInt8(22);
  if (data.length < 23 + 2 * ntc) {
    return fail(JBD, 'BAD_PAYLOAD', `basic info with ${ntc} NTCs needs ${23 + 2 * ntc} bytes, got ${data.length}`);
  }
  const date = b.readUInt16BE(10);
  const balance = b.readUInt16BE(12) | (b.readUInt16BE(14) << 16);
  const balancing: number[] = [];
  for (let i = 0; i < 32; i++) if ((balance >>> i) & 1) balancing.push(i + 1);
  const prot = b.readUInt16BE(16);
  const sw = b.readUInt8(18);
  const fet = b.readUInt8(20);
  const tempsC: number[] = [];
  for (let i = 0; i < ntc; i++) tempsC.push(Math.round(b.readUInt16BE(23 + 2 * i) - 2731) / 10);
  return ok({
    voltageV: round2(b.readUInt16BE(0) / 100),
    currentA: round2(b.readInt16BE(2) / 100),
    remainingAh: round2(b.readUInt16BE(4) / 100),
    nominalAh: round2(b.readUInt16BE(6) / 100),
    cycles: b.readUInt16BE(8),
    productionDate: { year: 2000 + (date >> 9), month: (date >> 5) & 0x0f, day: date & 0x1f },
    balancing,
    protectionBits: prot,
    protection: protectionNames(prot),
    softwareVersion: `${sw >> 4}.${sw & 0x0f}`,
    socPct: b.readUInt8(19),
    chargeFetOn: (fet & 1) !== 0,
    dischargeFetOn: (fet & 2) !== 0,
    cellCount: b.readUInt8(21),
    tempsC,
  });
}

const clampU16 = (x: number) => Math.max(0, Math.min(0xffff, Math.round(x)));
const clampS16 = (x: number) => Math.max(-0x8000, Math.min(0x7fff, Math.round(x)));

export function encodeBasicInfo(info: JbdBasicInfo): Buffer {
  const b = Buffer.alloc(23 + 2 * info.tempsC.length);
  b.writeUInt16BE(clampU16(info.voltageV * 100), 0);
  b.writeInt16BE(clampS16(info.currentA * 100), 2);
  b.writeUInt16BE(clampU16(info.remainingAh * 100), 4);
  b.writeUInt16BE(clampU16(info.nominalAh * 100), 6);
  b.writeUInt16BE(clampU16(info.cycles), 8);
  const d = info.productionDate;
  b.writeUInt16BE((((d.year - 2000) & 0x7f) << 9) | ((d.month & 0x0f) << 5) | (d.day & 0x1f), 10);
  let balance = 0;
  for (const cell of info.balancing) balance |= 1 << (cell - 1);
  b.writeUInt16BE(balance & 0xffff, 12);
  b.writeUInt16BE((balance >>> 16) & 0xffff, 14);
  b.writeUInt16BE(info.protectionBits & 0xffff, 16);
  const [major = '0', minor = '0'] = info.softwareVersion.split('.');
  b.writeUInt8(((Number(major) & 0x0f) << 4) | (Number(minor) & 0x0f), 18);
  b.writeUInt8(Math.max(0, Math.min(100, Math.round(info.socPct))), 19);
  b.writeUInt8((info.chargeFetOn ? 1 : 0) | (info.dischargeFetOn ? 2 : 0), 20);
  b.writeUInt8(info.cellCount, 21);
  b.writeUInt8(info.tempsC.length, 22);
  info.tempsC.forEach((t, i) => b.writeUInt16BE(clampU16(t * 10 + 2731), 23 + 2 * i));
  return b;
}

/** Cell voltages in volts, cell 1 first. */
export function decodeCells(data: Uint8Array): Decoded<number[]> {
  if (data.length % 2 !== 0) return fail(JBD, 'BAD_PAYLOAD', `cell data of odd length ${data.length}`);
  const b = Buffer.from(data);
  const cells: number[] = [];
  for (let i = 0; i < data.length; i += 2) cells.push(b.readUInt16BE(i) / 1000);
  return ok(cells);
}

export function encodeCells(cellsV: readonly number[]): Buffer {
  const b = Buffer.alloc(cellsV.length * 2);
  cellsV.forEach((v, i) => b.writeUInt16BE(clampU16(v * 1000), i * 2));
  return b;
}

/**
 * Model string. Some firmware prefixes a length byte, some do not (protocols.md §1): a first byte equal to the
 * remaining length is taken as that prefix; control characters are dropped either way.
 */
export function decodeHardwareId(data: Uint8Array): string {
  const body = data.length > 0 && data[0] === data.length - 1 ? data.subarray(1) : data;
  return Buffer.from(body)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
}

export function encodeHardwareId(id: string): Buffer {
  return Buffer.from(id, 'latin1');
}

/** 0xE1 data: bit0 disables charge, bit1 disables discharge (majority reading of public code; verify on hardware). */
export function encodeMosControl(chargeOn: boolean, dischargeOn: boolean): Buffer {
  return Buffer.from([0x00, (chargeOn ? 0 : 1) | (dischargeOn ? 0 : 2)]);
}

export function decodeMosControl(data: Uint8Array): Decoded<{ chargeOn: boolean; dischargeOn: boolean }> {
  if (data.length !== 2) return fail(JBD, 'BAD_PAYLOAD', `MOS control needs 2 bytes, got ${data.length}`);
  const v = data[1] ?? 0;
  return ok({ chargeOn: (v & 1) === 0, dischargeOn: (v & 2) === 0 });
}
