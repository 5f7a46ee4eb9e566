// Where a simulated device sits on the "wire": the device's own end of a line, the address a station opens, and
// plugging / unplugging it. Implemented by serialport mock ports (in process), socat ptys and TCP listeners.

import { MockSerialDevice } from '../../firmware-bridge/transports/serial-mock-device.ts';
import type { ByteTransport } from '../../firmware-bridge/transports/transport.ts';

export type SimPortKind = 'mock' | 'pty' | 'tcp';

export interface SimPort {
  /** Short name, e.g. `dock-1-bms` or `charger-bus-a`. */
  readonly name: string;
  readonly kind: SimPortKind;
  /** The simulated device's end: devices subscribe to it once, and it survives unplug / replug. */
  readonly device: ByteTransport;
  /** What a station config puts in `port`: `mock:<path>`, a pty path, or `tcp://127.0.0.1:<port>`. */
  readonly hostAddress: string;
  /** True while plugged in (the host can open it). */
  readonly present: boolean;
  /** Plugs the device in: the port (re)appears and the device end opens. */
  plug(): Promise<void>;
  /** Pulls the cable: the host's open port closes and the port disappears until plug(). */
  unplug(): Promise<void>;
  /** Unplugs for good and frees what the port holds (processes, sockets, files). */
  dispose(): Promise<void>;
}

/** Makes the port for one line; `baudRate` is what the device speaks (a pty end is opened with it). */
export type SimPortFactory = (name: string, baudRate: number) => SimPort;

/** serialport's mock binding: the station opens `mock:<path>` in the same process. */
export class MockSimPort implements SimPort {
  readonly kind = 'mock' as const;
  readonly device: MockSerialDevice;
  readonly hostAddress: string;

  constructor(
    readonly name: string,
    path: string,
  ) {
    this.device = new MockSerialDevice(path);
    this.hostAddress = `mock:${path}`;
  }

  get present(): boolean {
    return this.device.isOpen;
  }

  plug(): Promise<void> {
    return this.device.open();
  }

  unplug(): Promise<void> {
    return this.device.close();
  }

  dispose(): Promise<void> {
    return this.device.close();
  }
}

/** Mock ports named `rikscha/<stationId>/<name>` (the demo's convention, e.g. `rikscha/demo-1/dock-1/bms`). */
export function mockPortFactory(stationId: string): SimPortFactory {
  return (name) => new MockSimPort(name, `rikscha/${stationId}/${name}`);
}
