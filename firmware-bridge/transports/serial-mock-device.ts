// The far end of a serialport mock-binding port, as a ByteTransport: a simulated device listens here and the
// station's real SerialTransport opens `mock:<name>`, so the same driver code runs as on a real UART.

import { SerialPortMock } from 'serialport';
import { TransportEvents } from './transport-events.ts';
import { TransportError, type ByteTransport } from './transport.ts';

interface MockBinding {
  isOpen: boolean;
  write(buffer: Buffer): Promise<void>;
  emitData(data: Buffer): void;
}

const devices = new Map<string, MockSerialDevice>();
// The mock binding can only forget all ports at once, so a port once created stays; presence is tracked here.
const created = new Set<string>();

/** Called by SerialTransport after it opened a mock port: connects the port's writes to the device listening there. */
export function attachMockDevice(path: string, port: SerialPortMock): boolean {
  const dev = devices.get(path);
  if (!dev) return false;
  dev.attach(port);
  return true;
}

export class MockSerialDevice extends TransportEvents implements ByteTransport {
  readonly address: string;
  private binding: MockBinding | null = null;
  private hostPort: SerialPortMock | null = null;
  private open_ = false;

  constructor(readonly path: string) {
    super();
    this.address = `mock:${path}#device`;
  }

  get isOpen(): boolean {
    return this.open_;
  }

  /** Creates the mock port (so the host can open it) and starts listening. */
  async open(): Promise<void> {
    if (this.open_) return;
    if (!created.has(this.path)) {
      SerialPortMock.binding.createPort(this.path, { record: false });
      created.add(this.path);
    }
    devices.set(this.path, this);
    this.open_ = true;
  }

  /** Removes the port: the host's next open fails as if the adapter were unplugged, and an open host port closes. */
  async close(): Promise<void> {
    this.open_ = false;
    devices.delete(this.path);
    const host = this.hostPort;
    this.binding = null;
    this.hostPort = null;
    if (host?.isOpen) host.close();
    this.emitClose();
  }

  attach(port: SerialPortMock): void {
    const binding = (port as unknown as { port?: MockBinding }).port;
    if (!binding) return;
    this.binding = binding;
    this.hostPort = port;
    const write = binding.write.bind(binding);
    binding.write = async (buffer: Buffer) => {
      await write(buffer);
      const copy = Buffer.from(buffer);
      setImmediate(() => {
        this.emitData(copy);
      });
    };
  }

  async write(data: Uint8Array): Promise<void> {
    if (!this.open_) throw new TransportError('NOT_OPEN', this.address, 'device end is closed');
    const b = this.binding;
    // Bytes sent while no host has the port open are lost, as on a real line.
    if (b?.isOpen) b.emitData(Buffer.from(data));
  }
}
