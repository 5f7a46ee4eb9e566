// A simulated device behind a TCP listener, as a ser2net-style serial server would expose it: one client at a
// time (a new connection replaces the old one). Unplugging closes the listener and drops the client.

import { createServer, type Server, type Socket } from 'node:net';
import { TransportEvents } from '../../firmware-bridge/transports/transport-events.ts';
import { TransportError, type ByteTransport } from '../../firmware-bridge/transports/transport.ts';
import type { SimPort, SimPortFactory } from './sim-port.ts';

/** The device's end: bytes from whichever client is connected, and writes to it (lost when nobody is). */
class ServerEnd extends TransportEvents implements ByteTransport {
  socket: Socket | null = null;
  listening = false;

  constructor(readonly address: string) {
    super();
  }

  get isOpen(): boolean {
    return this.listening;
  }

  async open(): Promise<void> {
    // Opened by the port's listener, not by the device.
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    this.socket = null;
  }

  async write(data: Uint8Array): Promise<void> {
    if (!this.listening) throw new TransportError('NOT_OPEN', this.address, 'port unplugged');
    const s = this.socket;
    if (s && !s.destroyed) s.write(data);
  }

  accept(socket: Socket): void {
    this.socket?.destroy();
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.emitData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
    });
  }
}

export class TcpSimPort implements SimPort {
  readonly kind = 'tcp' as const;
  readonly device: ServerEnd;
  private server: Server | null = null;
  private port: number;

  constructor(
    readonly name: string,
    private readonly host = '127.0.0.1',
    port = 0,
  ) {
    this.port = port;
    this.device = new ServerEnd(`tcp-listen:${name}`);
  }

  /** Valid after the first plug() (port 0 picks a free port, kept for every later replug). */
  get hostAddress(): string {
    return `tcp://${this.host}:${this.port}`;
  }

  get present(): boolean {
    return this.server !== null;
  }

  async plug(): Promise<void> {
    if (this.server) return;
    const server = createServer((s) => this.device.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    const addr = server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
    this.server = server;
    this.device.listening = true;
  }

  async unplug(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.device.listening = false;
    await this.device.close();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  dispose(): Promise<void> {
    return this.unplug();
  }
}

/** TCP listeners on `host`, each on a free port. */
export function tcpPortFactory(host = '127.0.0.1'): SimPortFactory {
  return (name) => new TcpSimPort(name, host);
}
