// The listener bookkeeping every transport shares: data and close subscribers, and emitting to them.

import type { Unsubscribe } from './transport.ts';

export abstract class TransportEvents {
  private readonly dataListeners = new Set<(chunk: Buffer) => void>();
  private readonly closeListeners = new Set<(err?: Error) => void>();

  onData(listener: (chunk: Buffer) => void): Unsubscribe {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (err?: Error) => void): Unsubscribe {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  protected emitData(chunk: Buffer): void {
    for (const l of this.dataListeners) l(chunk);
  }

  protected emitClose(err?: Error): void {
    for (const l of this.closeListeners) l(err);
  }
}
