// Puts a simulated device's reply on the wire no faster than a real UART could: one character is 10 bit times
// (start + 8 data + stop) at the configured baud, so the bench sees realistic reply durations on ptys and sockets.

import type { Clock } from '../../lib/clock.ts';
import type { ByteTransport } from '../../firmware-bridge/transports/transport.ts';

export interface PacedWriterOptions {
  /** Line speed, bit/s; 0 or undefined writes at once (no pacing). */
  baudRate?: number;
  clock: Clock;
  /**
   * Shortest time between two chunks, ms. Timers below ~1 ms are not kept by Node, so bytes go out in chunks that
   * each cover at least this long on the wire. Default 2.
   */
  minChunkMs?: number;
}

/** Milliseconds one character occupies on the line (8N1: 10 bits). */
export function charTimeMs(baudRate: number): number {
  return (10 * 1000) / baudRate;
}

/** Writes replies in order; a reply starts only when the previous one has left the (simulated) line. */
export class PacedWriter {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly line: ByteTransport,
    private readonly opts: PacedWriterOptions,
  ) {}

  /** Queues `bytes`; resolves once the last chunk is written. Errors of a closed line are swallowed (bytes lost). */
  write(bytes: Uint8Array): Promise<void> {
    const next = this.tail.then(() => this.send(Buffer.from(bytes)));
    this.tail = next.catch(() => undefined);
    return this.tail;
  }

  private async send(bytes: Buffer): Promise<void> {
    const baud = this.opts.baudRate ?? 0;
    if (!(baud > 0)) {
      await this.put(bytes);
      return;
    }
    const perChar = charTimeMs(baud);
    const chunk = Math.max(1, Math.ceil((this.opts.minChunkMs ?? 2) / perChar));
    for (let at = 0; at < bytes.length; at += chunk) {
      const part = bytes.subarray(at, Math.min(bytes.length, at + chunk));
      // The chunk is on the wire for part.length character times; the next may start only after that.
      await this.put(part);
      await this.sleep(part.length * perChar);
    }
  }

  private async put(bytes: Buffer): Promise<void> {
    if (!this.line.isOpen) return;
    await this.line.write(bytes).catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.opts.clock.setTimeout(resolve, ms));
  }
}
