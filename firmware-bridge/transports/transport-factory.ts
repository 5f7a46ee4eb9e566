// Chooses a transport from its address string, the one seam where a simulator or a TCP bridge replaces a UART.

import { SerialTransport, type SerialOptions } from './serial-transport.ts';
import type { ByteTransport } from './transport.ts';

export function createTransport(address: string, serial: SerialOptions): ByteTransport {
  if (address.startsWith('tcp://')) {
    throw new Error(`${address}: TCP transport not available yet`);
  }
  return new SerialTransport(address, serial);
}
