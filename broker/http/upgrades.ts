// HTTP upgrade requests (WebSocket) by path: a registered path gets its handler, anything else is answered 404 and
// closed at once (an unanswered upgrade used to hold its socket open for good).

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

const NOT_FOUND = 'HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';

export class Upgrades {
  private readonly byPath = new Map<string, UpgradeHandler>();

  /** `onRefused` counts the upgrades no handler takes. */
  constructor(private readonly onRefused: () => void) {}

  add(path: string, handler: UpgradeHandler): void {
    this.byPath.set(path, handler);
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      let path: string | null = null;
      try {
        path = new URL(req.url ?? '/', 'http://localhost').pathname;
      } catch {
        path = null;
      }
      const handler = path === null ? undefined : this.byPath.get(path);
      if (handler) return handler(req, socket, head);
      this.onRefused();
      // Closed once the answer is written, whether or not the client ever closes its side.
      socket.end(NOT_FOUND, () => socket.destroy());
    });
  }
}
