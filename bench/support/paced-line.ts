// A ByteTransport wrapper for the bench that makes a host's writes take their wire time: the bytes reach the far end
// only once the last character would have left a real UART (len × bits per char / baud), and writes queue behind each other.

import type { Clock } from '../../lib/clock.ts';
import type { ByteTransport, Unsubscribe } from '../../firmware-bridge/transports/transport.ts';

export interface PacedLineOptions {
  baudRate: number;
  /** 10 at 8N1, 11 with parity or two stop bits. */
  bitsPerChar: number;
  clock: Clock;
}

export class PacedLine implements ByteTransport {
  /** Monotonic ms at which the line is free again. */
  private freeAt = 0;

  constructor(
    private readonly inner: ByteTransport,
    private readonly opts: PacedLineOptions,
  ) {}

  get address(): string {
    return this.inner.address;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  open(): Promise<void> {
    return this.inner.open();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async write(data: Uint8Array): Promise<void> {
    const now = this.opts.clock.monotonic();
    const wireMs = (data.length * this.opts.bitsPerChar * 1000) / this.opts.baudRate;
    // Deadline-based: a late timer does not push later frames further back than the wire itself would.
    const doneAt = Math.max(now, this.freeAt) + wireMs;
    this.freeAt = doneAt;
    await new Promise<void>((resolve) => this.opts.clock.setTimeout(resolve, doneAt - now));
    await this.inner.write(data);
  }

  onData(listener: (chunk: Buffer) => void): Unsubscribe {
    return this.inner.onData(listener);
  }

  onClose(listener: (err?: Error) => void): Unsubscribe {
    return this.inner.onClose(listener);
  }
}
