// The one seam between drivers and the wire: a transport moves bytes and reports open/close, nothing more.
// Serial ports, pseudo-terminals, TCP sockets and in-memory fakes all implement it, so a driver never knows which.

export type Unsubscribe = () => void;

export interface ByteTransport {
  /** Human-readable address of the line, e.g. `/dev/ttyUSB0`, `tcp://10.0.0.5:502`, `mock:dock-1-bms`. */
  readonly address: string;
  readonly isOpen: boolean;
  /** Opens the line; rejects with a TransportError when the device is absent or busy. */
  open(): Promise<void>;
  /** Closes the line; resolves even when it was already closed. */
  close(): Promise<void>;
  /** Writes bytes; rejects with a TransportError when the line is closed. Resolves once handed to the OS. */
  write(data: Uint8Array): Promise<void>;
  /** Every chunk of bytes that arrives, in order, as the OS delivers it (frames may be split or joined). */
  onData(listener: (chunk: Buffer) => void): Unsubscribe;
  /** Called when the line closes by itself (device unplugged, peer hung up); `err` says why when known. */
  onClose(listener: (err?: Error) => void): Unsubscribe;
}

export type TransportErrorCode = 'NOT_OPEN' | 'OPEN_FAILED' | 'WRITE_FAILED' | 'CLOSED';

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    readonly address: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${address}: ${message}`, options);
    this.name = 'TransportError';
  }
}
