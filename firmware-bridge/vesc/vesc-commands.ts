// VESC command ids and request payloads (bldc datatypes.h `COMM_PACKET_ID`, comm/commands.c), both directions:
// the driver encodes requests, the simulator decodes them. Reply layouts live in vesc-values.ts and vesc-fw-version.ts.

import { fail, ok, type Decoded } from '../codec/codec-error.ts';
import { ByteReader, ByteWriter } from './vesc-bytes.ts';
import { VESC_PROTOCOL } from './vesc-packet.ts';

export const VescCommand = {
  FW_VERSION: 0,
  GET_VALUES: 4,
  SET_DUTY: 5,
  SET_CURRENT: 6,
  SET_CURRENT_BRAKE: 7,
  SET_RPM: 8,
  ALIVE: 30,
  GET_VALUES_SELECTIVE: 50,
  BMS_GET_VALUES: 96,
} as const;

export type VescCommandName = keyof typeof VescCommand;

const NAME_BY_ID = new Map<number, VescCommandName>(
  Object.entries(VescCommand).map(([name, id]) => [id, name as VescCommandName]),
);

/** `COMM_GET_VALUES` for 4, `COMM_77` for an id this module does not know: for logs and timeout messages. */
export function vescCommandLabel(id: number): string {
  return `COMM_${NAME_BY_ID.get(id) ?? id}`;
}

export const fwVersionRequest = (): Buffer => Buffer.from([VescCommand.FW_VERSION]);
export const getValuesRequest = (): Buffer => Buffer.from([VescCommand.GET_VALUES]);
/** Resets the firmware's app timeout (1 s by default) without changing the set-point; the firmware sends no reply. */
export const aliveRequest = (): Buffer => Buffer.from([VescCommand.ALIVE]);

export function getValuesSelectiveRequest(mask: number): Buffer {
  return new ByteWriter().u8(VescCommand.GET_VALUES_SELECTIVE).u32(mask).toBuffer();
}

/** Motor current in A, sent as int32 mA (negative reverses). No reply. */
export function setCurrentRequest(amps: number): Buffer {
  return new ByteWriter().u8(VescCommand.SET_CURRENT).f32(amps, 1e3).toBuffer();
}

/** Brake current in A, sent as int32 mA. No reply. */
export function setCurrentBrakeRequest(amps: number): Buffer {
  return new ByteWriter().u8(VescCommand.SET_CURRENT_BRAKE).f32(amps, 1e3).toBuffer();
}

/** Duty cycle −1..1, sent as int32 × 100000. No reply. */
export function setDutyRequest(duty: number): Buffer {
  return new ByteWriter().u8(VescCommand.SET_DUTY).f32(duty, 1e5).toBuffer();
}

/** Electrical RPM, sent as int32. No reply. */
export function setRpmRequest(erpm: number): Buffer {
  return new ByteWriter().u8(VescCommand.SET_RPM).f32(erpm, 1).toBuffer();
}

export type VescRequest =
  | { command: 'FW_VERSION' }
  | { command: 'GET_VALUES' }
  | { command: 'GET_VALUES_SELECTIVE'; mask: number }
  | { command: 'ALIVE' }
  | { command: 'SET_CURRENT'; amps: number }
  | { command: 'SET_CURRENT_BRAKE'; amps: number }
  | { command: 'SET_DUTY'; duty: number }
  | { command: 'SET_RPM'; erpm: number };

/** Parses a request payload the way the firmware does (what a simulated VESC needs); other ids are UNSUPPORTED. */
export function decodeVescRequest(payload: Uint8Array): Decoded<VescRequest> {
  const id = payload[0];
  if (id === undefined) return fail(VESC_PROTOCOL, 'BAD_PAYLOAD', 'empty payload');
  const r = new ByteReader(payload, 1);
  const int32Arg = (): Decoded<number> =>
    r.remaining >= 4 ? ok(r.i32()) : fail(VESC_PROTOCOL, 'BAD_PAYLOAD', `${vescCommandLabel(id)} needs an int32`);
  switch (id) {
    case VescCommand.FW_VERSION:
      return ok({ command: 'FW_VERSION' });
    case VescCommand.GET_VALUES:
      return ok({ command: 'GET_VALUES' });
    case VescCommand.ALIVE:
      return ok({ command: 'ALIVE' });
    case VescCommand.GET_VALUES_SELECTIVE: {
      if (r.remaining < 4) return fail(VESC_PROTOCOL, 'BAD_PAYLOAD', 'GET_VALUES_SELECTIVE without its mask');
      return ok({ command: 'GET_VALUES_SELECTIVE', mask: r.u32() });
    }
    case VescCommand.SET_CURRENT:
    case VescCommand.SET_CURRENT_BRAKE:
    case VescCommand.SET_DUTY:
    case VescCommand.SET_RPM: {
      const arg = int32Arg();
      if (!arg.ok) return arg;
      if (id === VescCommand.SET_CURRENT) return ok({ command: 'SET_CURRENT', amps: arg.value / 1e3 });
      if (id === VescCommand.SET_CURRENT_BRAKE) return ok({ command: 'SET_CURRENT_BRAKE', amps: arg.value / 1e3 });
      if (id === VescCommand.SET_DUTY) return ok({ command: 'SET_DUTY', duty: arg.value / 1e5 });
      return ok({ command: 'SET_RPM', erpm: arg.value });
    }
    default:
      return fail(VESC_PROTOCOL, 'UNSUPPORTED', `${vescCommandLabel(id)} is not handled here`);
  }
}

// One import point for the whole VESC command set, replies included.
export {
  COMM_FW_VERSION,
  decodeFwVersionReply,
  encodeFwVersionReply,
  type VescFirmwareInfo,
} from './vesc-fw-version.ts';
export {
  COMM_GET_VALUES,
  COMM_GET_VALUES_SELECTIVE,
  VESC_ALL_VALUES_MASK,
  VESC_GET_VALUES_LENGTH,
  VescValueBit,
  decodeGetValuesReply,
  decodeGetValuesSelectiveReply,
  encodeGetValuesReply,
  encodeGetValuesSelectiveReply,
  vescValuesMask,
  type VescSelectiveValues,
  type VescValueBitName,
  type VescValues,
} from './vesc-values.ts';
export { VESC_FAULT_NAMES, vescFault, vescFaultCode, type VescFault, type VescFaultName } from './vesc-faults.ts';
