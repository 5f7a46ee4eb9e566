// COMM_FW_VERSION reply (bldc comm/commands.c): major, minor, hardware name, 12-byte UUID, then a tail that has grown
// over the firmware's versions. Decoding is lenient: anything after major/minor may be missing and is then undefined.

import { fail, ok, type Decoded } from '../codec/codec-error.ts';
import { ByteReader, ByteWriter } from './vesc-bytes.ts';
import { VESC_PROTOCOL } from './vesc-packet.ts';

export const COMM_FW_VERSION = 0;

export interface VescFirmwareInfo {
  major: number;
  minor: number;
  /** `HW_NAME`, e.g. `60` or `75_300_R2`; empty when a very old firmware sent none. */
  hwName: string;
  /** The STM32's 96-bit unique id, as 24 lowercase hex digits. */
  uuid?: string;
  pairingDone?: boolean;
  /** `FW_TEST_VERSION_NUMBER`: 0 for a release, n for the n-th beta. */
  testVersion?: number;
  /** 0 VESC, 1 VESC BMS, 2 custom module. */
  hwType?: number;
  customConfigs?: number;
  hasPhaseFilters?: boolean;
  /** 0 none, 1 QML UI in the hardware config, 2 the same in full screen. */
  qmlHw?: number;
  qmlApp?: number;
  nrfFlags?: number;
  /** `FW_NAME`, often empty. */
  fwName?: string;
}

// The tail, in the order the current firmware appends it; a shorter (older) reply simply stops earlier.
interface TailField {
  read(info: VescFirmwareInfo, b: number): void;
  write(info: VescFirmwareInfo): number | undefined;
}
type NumberTail = 'testVersion' | 'hwType' | 'customConfigs' | 'qmlHw' | 'qmlApp' | 'nrfFlags';
type BooleanTail = 'pairingDone' | 'hasPhaseFilters';

const num = (k: NumberTail): TailField => ({
  read: (info, b) => void (info[k] = b),
  write: (info) => info[k],
});
const bool = (k: BooleanTail): TailField => ({
  read: (info, b) => void (info[k] = b !== 0),
  write: (info) => (info[k] === undefined ? undefined : info[k] ? 1 : 0),
});

const TAIL: readonly TailField[] = [
  bool('pairingDone'),
  num('testVersion'),
  num('hwType'),
  num('customConfigs'),
  bool('hasPhaseFilters'),
  num('qmlHw'),
  num('qmlApp'),
  num('nrfFlags'),
];
const UUID_BYTES = 12;

export function decodeFwVersionReply(payload: Uint8Array): Decoded<VescFirmwareInfo> {
  if (payload[0] !== COMM_FW_VERSION) {
    return fail(VESC_PROTOCOL, 'UNSUPPORTED', `payload id ${payload[0] ?? 'none'} is not COMM_FW_VERSION (0)`);
  }
  if (payload.length < 3) return fail(VESC_PROTOCOL, 'BAD_PAYLOAD', 'FW_VERSION reply without major/minor');
  const r = new ByteReader(payload, 1);
  const info: VescFirmwareInfo = { major: r.u8(), minor: r.u8(), hwName: r.remaining > 0 ? r.cString() : '' };
  if (r.remaining < UUID_BYTES) return ok(info);
  info.uuid = r.bytes(UUID_BYTES).toString('hex');
  for (const field of TAIL) {
    if (r.remaining < 1) return ok(info);
    field.read(info, r.u8());
  }
  if (r.remaining > 0) info.fwName = r.cString();
  return ok(info);
}

/**
 * The reply payload as the firmware builds it (for the simulator). Fields are positional, so the output stops at the
 * first optional field left undefined. Throws RangeError for a uuid that is not 24 hex digits (a caller bug).
 */
export function encodeFwVersionReply(info: VescFirmwareInfo): Buffer {
  const w = new ByteWriter().u8(COMM_FW_VERSION).u8(info.major).u8(info.minor).cString(info.hwName);
  if (info.uuid === undefined) return w.toBuffer();
  if (!/^[0-9a-fA-F]{24}$/.test(info.uuid)) throw new RangeError(`uuid must be 24 hex digits, got "${info.uuid}"`);
  w.bytes(Buffer.from(info.uuid, 'hex'));
  for (const field of TAIL) {
    const b = field.write(info);
    if (b === undefined) return w.toBuffer();
    w.u8(b);
  }
  if (info.fwName !== undefined) w.cString(info.fwName);
  return w.toBuffer();
}
