// Modbus client (RTU or TCP framing) on the shared RequestBus: one exchange at a time, per-request timeout and
// priority, exception replies as BusError DEVICE_ERROR (cause: ModbusExceptionError), broadcasts without a reply.

import type { DeviceCounters } from '../bus/device-counters.ts';
import type { Priority, RequestBus } from '../bus/request-bus.ts';
import { CodecError } from '../codec/codec-error.ts';
import type { FrameDecoder } from '../codec/frame-decoder.ts';
import {
  checkRequest,
  describeFrame,
  FC,
  MODBUS,
  ModbusExceptionError,
  type ModbusRequest,
  type ModbusResponse,
  type ReadFunction,
} from './modbus-pdu.ts';
import { encodeRtuRequest } from './modbus-rtu-codec.ts';
import { createRtuResponseDecoder } from './modbus-rtu-decoder.ts';
import { createTcpResponseDecoder, encodeTcpRequest, type MbapFrame } from './modbus-tcp-codec.ts';

export interface ModbusCallOptions {
  /** 'safety' overtakes queued polls (a charger-off must not wait behind reads). Default 'normal'. */
  priority?: Priority;
  /** Reply timeout for this call, ms; default the master's. */
  timeoutMs?: number;
  /** Name in counters and errors (e.g. `dock-2/charger`); default the master's deviceName(unit). */
  device?: string;
  /** What is asked, for logs and timeout messages; default the frame's describeFrame() form. */
  label?: string;
}

/** What drivers depend on: the RTU and TCP masters both provide it, and so can a test double. */
export interface ModbusClient {
  readHoldingRegisters(unit: number, address: number, count: number, opts?: ModbusCallOptions): Promise<number[]>;
  readInputRegisters(unit: number, address: number, count: number, opts?: ModbusCallOptions): Promise<number[]>;
  writeRegister(unit: number, address: number, value: number, opts?: ModbusCallOptions): Promise<void>;
  writeRegisters(unit: number, address: number, values: readonly number[], opts?: ModbusCallOptions): Promise<void>;
  /** Any supported request; resolves with the reply, or null for a broadcast (nobody answers one). */
  execute(req: ModbusRequest, opts?: ModbusCallOptions): Promise<ModbusResponse | null>;
  countersFor(device: string): DeviceCounters;
}

/** How requests become bytes and how their replies are found in the byte stream. */
export interface ModbusFraming<F> {
  readonly kind: 'rtu' | 'tcp';
  prepare(req: ModbusRequest): PreparedExchange<F>;
}

export interface PreparedExchange<F> {
  bytes: Buffer;
  decoder: FrameDecoder<F>;
  expectsReply: boolean;
  /** The Modbus reply inside a decoded frame, or undefined when the frame belongs to another exchange. */
  reply: (frame: F) => ModbusResponse | undefined;
}

/** RTU: a fresh decoder per exchange that hunts only for this unit, function and byte count. */
const rtuFraming: ModbusFraming<ModbusResponse> = {
  kind: 'rtu',
  prepare(req) {
    return {
      bytes: encodeRtuRequest(req),
      decoder: createRtuResponseDecoder({
        unit: req.unit,
        fc: req.fc,
        byteCount: req.kind === 'read' ? 2 * req.count : undefined,
      }),
      // Broadcast (unit 0) is a write nobody answers; the spec wants a turnaround delay after it (RequestBus gapMs).
      expectsReply: req.unit !== 0,
      reply: (frame) => frame,
    };
  },
};

/** TCP: transaction ids tell a late reply to an earlier, timed-out request from the one awaited now. */
function tcpFraming(firstTransactionId = 1): ModbusFraming<MbapFrame<ModbusResponse>> {
  let next = firstTransactionId & 0xffff;
  return {
    kind: 'tcp',
    prepare(req) {
      const id = next;
      next = (next + 1) & 0xffff;
      return {
        bytes: encodeTcpRequest(id, req),
        decoder: createTcpResponseDecoder({ fc: req.fc }),
        // A TCP server answers unit 0 like any other unit id (there is no broadcast on TCP).
        expectsReply: true,
        reply: (frame) => (frame.transactionId === id ? frame.message : undefined),
      };
    },
  };
}

export interface ModbusMasterOptions {
  /** Default reply timeout, ms. An RD60xx answers within tens of ms; USB adapters add latency. Default 500. */
  timeoutMs?: number;
  /** Device name per unit for counters and errors when a call gives none. Default `modbus unit <n>`. */
  deviceName?: (unit: number) => string;
}

export class ModbusMaster<F> implements ModbusClient {
  private readonly timeoutMs: number;
  private readonly deviceName: (unit: number) => string;

  constructor(
    private readonly bus: RequestBus,
    private readonly framing: ModbusFraming<F>,
    opts: ModbusMasterOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 500;
    this.deviceName = opts.deviceName ?? ((unit) => `modbus unit ${unit}`);
  }

  get kind(): 'rtu' | 'tcp' {
    return this.framing.kind;
  }

  countersFor(device: string): DeviceCounters {
    return this.bus.countersFor(device);
  }

  readHoldingRegisters(unit: number, address: number, count: number, opts?: ModbusCallOptions): Promise<number[]> {
    return this.read(FC.readHolding, unit, address, count, opts);
  }

  readInputRegisters(unit: number, address: number, count: number, opts?: ModbusCallOptions): Promise<number[]> {
    return this.read(FC.readInput, unit, address, count, opts);
  }

  async writeRegister(unit: number, address: number, value: number, opts?: ModbusCallOptions): Promise<void> {
    await this.execute({ kind: 'write-single', unit, fc: FC.writeSingle, address, value }, opts);
  }

  async writeRegisters(
    unit: number,
    address: number,
    values: readonly number[],
    opts?: ModbusCallOptions,
  ): Promise<void> {
    await this.execute({ kind: 'write-multiple', unit, fc: FC.writeMultiple, address, values: [...values] }, opts);
  }

  private async read(
    fc: ReadFunction,
    unit: number,
    address: number,
    count: number,
    opts?: ModbusCallOptions,
  ): Promise<number[]> {
    const res = await this.execute({ kind: 'read', unit, fc, address, count }, opts);
    // execute() only resolves with the matching reply kind; this narrows the type.
    if (res?.kind !== 'read-reply') throw new CodecError('BAD_PAYLOAD', MODBUS, 'no read reply');
    return res.values;
  }

  async execute(req: ModbusRequest, opts: ModbusCallOptions = {}): Promise<ModbusResponse | null> {
    const invalid = checkRequest(req, this.framing.kind);
    if (invalid) throw invalid;
    const ex = this.framing.prepare(req);
    const result = await this.bus.request<F, ModbusResponse>({
      device: opts.device ?? this.deviceName(req.unit),
      label: opts.label ?? describeFrame(req),
      bytes: ex.bytes,
      decoder: ex.decoder,
      timeoutMs: opts.timeoutMs ?? this.timeoutMs,
      priority: opts.priority ?? 'normal',
      noReply: !ex.expectsReply,
      match: (frame) => {
        const res = ex.reply(frame);
        return res === undefined ? undefined : matchReply(req, res);
      },
    });
    return ex.expectsReply ? result : null;
  }
}

/**
 * Whether `res` answers `req`: the reply, a device-side failure (exception, wrong echo), or undefined for a
 * frame that belongs to someone else (another unit, a late answer to an earlier request).
 */
function matchReply(req: ModbusRequest, res: ModbusResponse): ModbusResponse | CodecError | undefined {
  if (res.unit !== req.unit || res.fc !== req.fc) return undefined;
  switch (res.kind) {
    case 'exception':
      return new ModbusExceptionError(res.unit, res.fc, res.code, res.name);
    case 'read-reply':
      if (req.kind !== 'read') return undefined;
      return res.values.length === req.count
        ? res
        : new CodecError('BAD_PAYLOAD', MODBUS, `asked for ${req.count} registers, got ${res.values.length}`);
    case 'write-single-reply':
      if (req.kind !== 'write-single' || res.address !== req.address) return undefined;
      return res.value === req.value
        ? res
        : new CodecError('BAD_PAYLOAD', MODBUS, `wrote ${req.value} to ${req.address}, device echoed ${res.value}`);
    case 'write-multiple-reply':
      if (req.kind !== 'write-multiple' || res.address !== req.address || res.count !== req.values.length)
        return undefined;
      return res;
  }
}

export function createRtuMaster(bus: RequestBus, opts?: ModbusMasterOptions): ModbusMaster<ModbusResponse> {
  return new ModbusMaster(bus, rtuFraming, opts);
}

export function createTcpMaster(
  bus: RequestBus,
  opts?: ModbusMasterOptions & { firstTransactionId?: number },
): ModbusMaster<MbapFrame<ModbusResponse>> {
  return new ModbusMaster(bus, tcpFraming(opts?.firstTransactionId), opts);
}

/** The Modbus exception behind a BusError DEVICE_ERROR (or the exception error itself), if that is what it was. */
export function modbusExceptionOf(err: unknown): ModbusExceptionError | undefined {
  if (err instanceof ModbusExceptionError) return err;
  if (err instanceof Error && err.cause instanceof ModbusExceptionError) return err.cause;
  return undefined;
}
