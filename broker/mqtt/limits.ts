// The embedded broker's limits against misuse before and after login, one zod schema (config file and defaults):
// packet sizes enforced while reading, the connect timeout, what may wait for a client that does not read, and caps
// on open connections.

import { z } from 'zod';
import { MAX_PAYLOAD_BYTES } from '../../contract/messages.ts';

export const mqttLimitsSchema = z
  .object({
    maxConnectBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024)
      .default(64 * 1024)
      .describe('largest packet (remaining length, bytes) before login succeeds: the CONNECT and anything pipelined'),
    maxPacketBytes: z
      .number()
      .int()
      .min(MAX_PAYLOAD_BYTES + 1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024)
      .describe(
        'largest packet after login, bytes; a payload over the 256 KiB message limit but under this is rejected, settled and counted, a larger packet closes the connection',
      ),
    maxUnsentBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(256 * 1024 * 1024)
      .default(4 * 1024 * 1024)
      .describe(
        'bytes waiting to go out to one client that does not read them; over this it is disconnected, since the broker would otherwise stop delivering to everyone until that client read',
      ),
    connectTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(300_000)
      .default(10_000)
      .describe('a connection not logged in after this long is closed, ms'),
    maxConnections: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(2000)
      .describe('open MQTT connections (TCP and WebSocket, logged in or not) in total'),
    maxConnectionsPerAddress: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(32)
      .describe('open MQTT connections from one remote address'),
  })
  .strict();

export type MqttLimits = z.infer<typeof mqttLimitsSchema>;

export function mqttLimits(partial: Partial<MqttLimits> = {}): MqttLimits {
  return mqttLimitsSchema.parse(partial);
}
