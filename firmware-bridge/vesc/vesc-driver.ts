// Driver for a VESC motor controller on a UART, on top of the shared RequestBus: typed readings, firmware info,
// keep-alive and current set-points. Bytes and layouts come from the pure codecs beside it.

import { BusError, type Priority, type RequestBus } from '../bus/request-bus.ts';
import type { DeviceCountersSnapshot } from '../bus/device-counters.ts';
import type { CodecError, Decoded } from '../codec/codec-error.ts';
import {
  VescCommand,
  aliveRequest,
  decodeFwVersionReply,
  decodeGetValuesReply,
  decodeGetValuesSelectiveReply,
  fwVersionRequest,
  getValuesRequest,
  getValuesSelectiveRequest,
  setCurrentBrakeRequest,
  setCurrentRequest,
  vescCommandLabel,
  type VescFirmwareInfo,
  type VescSelectiveValues,
  type VescValues,
} from './vesc-commands.ts';
import { VescFrameDecoder } from './vesc-decoder.ts';
import { checkOdometerConfig, tachoToKm, type OdometerConfig } from './vesc-odometer.ts';
import { encodeVescPacket, type VescFrame } from './vesc-packet.ts';

export interface VescDriverOptions {
  /** Device name for counters, logs and errors, e.g. `dock-2-vesc`. */
  device: string;
  /**
   * Per-attempt reply timeout in ms. Default 100: at 115200 baud the 79-byte GET_VALUES reply takes 7 ms on the wire
   * and the firmware answers from its communication thread within a few ms more.
   */
  timeoutMs?: number;
  /** Extra attempts after a timeout (a reply lost to noise or a bad CRC). Default 0: the caller's poll loop retries. */
  retries?: number;
  /** Longest payload accepted from the device; default 512 (the firmware's PACKET_MAX_PL_LEN). */
  maxPayload?: number;
  /** Wheel and motor geometry; without it readings carry `distanceKm: null`. */
  odometer?: OdometerConfig;
}

/** GET_VALUES in SI units, plus the distance since the VESC's boot when the geometry is configured. */
export interface VescReadings extends VescValues {
  distanceKm: number | null;
}

export class VescDriver {
  readonly device: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly decoder: VescFrameDecoder;
  private readonly odometer: OdometerConfig | undefined;

  constructor(
    private readonly bus: RequestBus,
    opts: VescDriverOptions,
  ) {
    this.device = opts.device;
    this.timeoutMs = opts.timeoutMs ?? 100;
    this.retries = Math.max(0, Math.floor(opts.retries ?? 0));
    this.decoder = new VescFrameDecoder(opts.maxPayload === undefined ? {} : { maxPayload: opts.maxPayload });
    if (opts.odometer) checkOdometerConfig(opts.odometer);
    this.odometer = opts.odometer;
  }

  /** COMM_GET_VALUES. Note the firmware averages currents since the previous read and resets that average. */
  async readValues(priority: Priority = 'normal'): Promise<VescReadings> {
    const v = await this.exchange(VescCommand.GET_VALUES, getValuesRequest(), decodeGetValuesReply, priority);
    return { ...v, distanceKm: this.odometer ? tachoToKm(v.tachometerAbs, this.odometer) : null };
  }

  /** COMM_GET_VALUES_SELECTIVE: only the fields in `mask` (see vescValuesMask), for a lighter poll. */
  readSelected(mask: number, priority: Priority = 'normal'): Promise<VescSelectiveValues> {
    const want = mask >>> 0;
    return this.exchange(
      VescCommand.GET_VALUES_SELECTIVE,
      getValuesSelectiveRequest(want),
      (p) => {
        const d = decodeGetValuesSelectiveReply(p);
        // A reply to some earlier mask (late, after a timeout) is not ours: keep waiting for the right one.
        return d.ok && d.value.mask !== want ? undefined : d;
      },
      priority,
    );
  }

  readFirmware(): Promise<VescFirmwareInfo> {
    return this.exchange(VescCommand.FW_VERSION, fwVersionRequest(), decodeFwVersionReply, 'normal');
  }

  /** COMM_ALIVE: keeps the firmware's app timeout (1 s by default) from releasing the motor. No reply. */
  alive(): Promise<void> {
    return this.send(VescCommand.ALIVE, aliveRequest(), 'normal');
  }

  /** Motor current set-point in A. No reply; the set-point lapses after the app timeout unless renewed. */
  setCurrent(amps: number, priority: Priority = 'normal'): Promise<void> {
    return this.send(VescCommand.SET_CURRENT, setCurrentRequest(amps), priority);
  }

  /** Brake current in A. On the safety lane by default: a brake must not queue behind polls. */
  setBrakeCurrent(amps: number, priority: Priority = 'safety'): Promise<void> {
    return this.send(VescCommand.SET_CURRENT_BRAKE, setCurrentBrakeRequest(amps), priority);
  }

  /** Kilometres for a tachometer_abs value with this driver's geometry; null when none is configured. */
  distanceKm(tachometerAbs: number): number | null {
    return this.odometer ? tachoToKm(tachometerAbs, this.odometer) : null;
  }

  counters(): DeviceCountersSnapshot {
    return this.bus.countersFor(this.device).snapshot();
  }

  private send(command: number, payload: Uint8Array, priority: Priority): Promise<void> {
    return this.bus.request<VescFrame, void>({
      device: this.device,
      label: vescCommandLabel(command),
      bytes: encodeVescPacket(payload),
      decoder: this.decoder,
      match: () => undefined,
      timeoutMs: this.timeoutMs,
      priority,
      noReply: true,
    });
  }

  private async exchange<T>(
    command: number,
    payload: Uint8Array,
    decode: (payload: Buffer) => Decoded<T> | undefined,
    priority: Priority,
  ): Promise<T> {
    const bytes = encodeVescPacket(payload);
    const match = (f: VescFrame): T | CodecError | undefined => {
      if (f.payload[0] !== command) return undefined;
      const d = decode(f.payload);
      if (d === undefined) return undefined;
      return d.ok ? d.value : d.error;
    };
    const attempts = 1 + this.retries;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return await this.bus.request<VescFrame, T>({
          device: this.device,
          label: `${vescCommandLabel(command)} (attempt ${attempt}/${attempts})`,
          bytes,
          decoder: this.decoder,
          match,
          timeoutMs: this.timeoutMs,
          priority,
        });
      } catch (err) {
        last = err;
        // The line lost or garbled the answer: ask again. A refusal or a closed line is final.
        if (!(err instanceof BusError && ['TIMEOUT', 'BAD_CHECKSUM', 'BAD_LENGTH'].includes(err.code))) throw err;
      }
    }
    throw last;
  }
}
