// A ByteTransport over TCP: a serial device behind a ser2net-style bridge, or a Modbus TCP server.
// Address form `tcp://host:port`; a peer hang-up is reported like an unplugged adapter.

import { Socket } from 'node:net';
import { TransportEvents } from './transport-events.ts';
import { TransportError, type ByteTransport } from './transport.ts';

export function parseTcpAddress(address: string): { host: string; port: number } {
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(address);
  const port = Number(m?.[2]);
  if (!m || !(port > 0 && port < 65536)) throw new TransportError('OPEN_FAILED', address, 'expected tcp://host:port');
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

export class TcpTransport extends TransportEvents implements ByteTransport {
  private socket: Socket | null = null;

  constructor(
    readonly address: string,
    private readonly opts: { connectTimeoutMs?: number } = {},
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.socket !== null && !this.socket.destroyed && this.socket.readyState === 'open';
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    const { host, port } = parseTcpAddress(this.address);
    const socket = new Socket();
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new TransportError(
            'OPEN_FAILED',
            this.address,
            `no connection within ${this.opts.connectTimeoutMs ?? 3000} ms`,
          ),
        );
      }, this.opts.connectTimeoutMs ?? 3000);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new TransportError('OPEN_FAILED', this.address, err.message, { cause: err }));
      });
      socket.connect(port, host, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    socket.removeAllListeners('error');
    let lastError: Error | undefined;
    socket.on('error', (err) => (lastError = err));
    socket.on('data', (chunk: Buffer) => {
      this.emitData(chunk);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      const why = new TransportError('CLOSED', this.address, lastError?.message ?? 'peer closed the connection', {
        cause: lastError,
      });
      this.emitClose(why);
    });
    this.socket = socket;
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (!s || s.destroyed) return;
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => s.destroy(), 200).unref();
    });
  }

  async write(data: Uint8Array): Promise<void> {
    const s = this.socket;
    if (!s || !this.isOpen) throw new TransportError('NOT_OPEN', this.address, 'write on a closed connection');
    await new Promise<void>((resolve, reject) => {
      s.write(data, (err) =>
        err ? reject(new TransportError('WRITE_FAILED', this.address, err.message, { cause: err })) : resolve(),
      );
    });
  }
}
