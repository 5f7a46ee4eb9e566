// An in-process pair of connected transports: what one side writes, the other receives (asynchronously, like a wire).
// Tests and the embedded simulator plug a fake device in here, at the same seam a serial port uses.

import { TransportEvents } from './transport-events.ts';
import { TransportError, type ByteTransport } from './transport.ts';

class MemoryEnd extends TransportEvents implements ByteTransport {
  peer: MemoryEnd | null = null;
  private open_ = false;
  /** When false, open() fails as if the device were unplugged. */
  present = true;

  constructor(readonly address: string) {
    super();
  }

  get isOpen(): boolean {
    return this.open_;
  }

  async open(): Promise<void> {
    if (!this.present) throw new TransportError('OPEN_FAILED', this.address, 'no such device');
    this.open_ = true;
  }

  async close(): Promise<void> {
    this.open_ = false;
  }

  async write(data: Uint8Array): Promise<void> {
    if (!this.open_) throw new TransportError('NOT_OPEN', this.address, 'write on a closed line');
    const peer = this.peer;
    const copy = Buffer.from(data);
    // Delivered on a later turn, as a real line would; bytes to a closed peer are lost, as on a real line.
    setImmediate(() => {
      if (peer?.open_) peer.deliver(copy);
    });
  }

  deliver(chunk: Buffer): void {
    this.emitData(chunk);
  }

  /** Simulates the cable being pulled: this end closes by itself and reports it. */
  hangUp(why = 'device disconnected'): void {
    if (!this.open_) return;
    this.open_ = false;
    const err = new TransportError('CLOSED', this.address, why);
    this.emitClose(err);
  }
}

export interface MemoryLink {
  /** The side the driver opens. */
  host: MemoryEnd;
  /** The side the simulated device listens on. */
  device: MemoryEnd;
}

export function createMemoryLink(address: string): MemoryLink {
  const host = new MemoryEnd(`mock:${address}`);
  const device = new MemoryEnd(`mock:${address}#device`);
  host.peer = device;
  device.peer = host;
  return { host, device };
}

export type { MemoryEnd };
