// A ByteTransport over the serialport package: real UARTs, USB adapters and socat pseudo-terminals alike,
// or serialport's mock binding for in-process simulation (addresses `mock:<name>`).

import { SerialPort, SerialPortMock } from 'serialport';
import { attachMockDevice } from './serial-mock-device.ts';
import { TransportEvents } from './transport-events.ts';
import { TransportError, type ByteTransport } from './transport.ts';

export interface SerialOptions {
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
}

type AnyPort = SerialPort | SerialPortMock;

/** Bytes a read may return at most, and the size of the pool reads are cut from (see open()). */
export const READ_POOL_BYTES = 1024;

export class SerialTransport extends TransportEvents implements ByteTransport {
  private port: AnyPort | null = null;
  private closingOnPurpose = false;

  constructor(
    readonly address: string,
    private readonly opts: SerialOptions,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    const mock = this.address.startsWith('mock:');
    const settings = {
      path: mock ? this.address.slice(5) : this.address,
      baudRate: this.opts.baudRate,
      dataBits: this.opts.dataBits ?? 8,
      parity: this.opts.parity ?? 'none',
      stopBits: this.opts.stopBits ?? 1,
      autoOpen: false,
      // serialport reads into a 64 KiB pool per port by default, and a pool lives (in the old generation, until a
      // major GC) while any chunk cut from it does: with 16 ports that churned megabytes of malloc'd memory the
      // station's heap could not give back. Our frames are under 300 bytes; 1 KiB pools come from node's buffer slab.
      highWaterMark: READ_POOL_BYTES,
    };
    const port: AnyPort = mock ? new SerialPortMock(settings) : new SerialPort(settings);
    await new Promise<void>((resolve, reject) => {
      port.open((err) =>
        err ? reject(new TransportError('OPEN_FAILED', this.address, err.message, { cause: err })) : resolve(),
      );
    });
    this.closingOnPurpose = false;
    port.on('data', (chunk: Buffer) => {
      this.emitData(chunk);
    });
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      if (this.port === port) this.port = null;
      if (this.closingOnPurpose) return;
      const why = new TransportError('CLOSED', this.address, err?.message ?? 'port closed', { cause: err });
      this.emitClose(why);
    });
    // A port error after open (EIO when a USB adapter is pulled) shows up as 'error' then 'close'.
    port.on('error', () => undefined);
    this.port = port;
    if (mock && !attachMockDevice(settings.path, port as SerialPortMock)) {
      await this.close();
      throw new TransportError('OPEN_FAILED', this.address, 'no simulated device on this port');
    }
  }

  async close(): Promise<void> {
    const port = this.port;
    if (!port) return;
    this.closingOnPurpose = true;
    this.port = null;
    if (!port.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  async write(data: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new TransportError('NOT_OPEN', this.address, 'write on a closed port');
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(data), (err) =>
        err ? reject(new TransportError('WRITE_FAILED', this.address, err.message, { cause: err })) : resolve(),
      );
    });
  }
}
