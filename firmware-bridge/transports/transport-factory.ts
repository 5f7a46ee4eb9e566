// Chooses a transport from its address string, the one seam where a simulator or a TCP bridge replaces a UART.

import { SerialTransport, type SerialOptions } from './serial-transport.ts';
import { TcpTransport } from './tcp-transport.ts';
import type { ByteTransport } from './transport.ts';

/** `tcp://host:port` -> TCP; `mock:<name>` -> serialport mock binding; anything else is a serial device path. */
export function createTransport(address: string, serial: SerialOptions): ByteTransport {
  if (address.startsWith('tcp://')) return new TcpTransport(address);
  return new SerialTransport(address, serial);
}
