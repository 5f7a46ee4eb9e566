// Connects to the central broker with the station's own credentials, as the daemon would, and says whether the
// broker is reachable and the login accepted, without publishing anything.

import mqtt from 'mqtt';
import type { StationConfig } from '../config/station-config.ts';
import { fail, ok, type CheckResult } from './check-result.ts';

// Generous: a broker under load checks a scrypt hash per login, and a slow answer is not a wrong one.
const CONNECT_MS = 15_000;

/** MQTT 3.1.1 CONNACK codes a person can act on. */
const REFUSED: Record<number, [string, string]> = {
  4: ['wrong user name or password', 'check mqtt.username (default: the station id) and the password file'],
  5: ['not authorised', 'create the station on the central side: `rikscha broker add-station <id>`'],
};

export async function checkBroker(config: StationConfig, password: string | null): Promise<CheckResult> {
  const check = 'broker';
  if (password === null)
    return fail(check, 'no MQTT password', 'set mqtt.passwordFile (or mqtt.password) in the config');
  const client = mqtt.connect(config.mqtt.url, {
    username: config.mqtt.username ?? config.stationId,
    password,
    protocolVersion: 4,
    // Not the daemon's own id: connecting with it would end the running daemon's session (and publish its will).
    clientId: `${config.stationId}-doctor`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: CONNECT_MS,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error('connection closed before the broker answered')));
    });
    return ok(check, `${config.mqtt.url} accepts the station's login`);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // rikscha's broker checks the password first and then binds a station login to the station's own client id:
    // "identifier rejected" therefore means the login itself was accepted.
    if (code === 2) return ok(check, `${config.mqtt.url} accepts the station's login`);
    const refused = typeof code === 'number' ? REFUSED[code] : undefined;
    if (refused) return fail(check, `${config.mqtt.url}: ${refused[0]}`, refused[1]);
    return fail(
      check,
      `${config.mqtt.url} not reachable: ${err instanceof Error ? err.message : String(err)}`,
      'check the network, the broker address in mqtt.url, and that the central broker runs',
    );
  } finally {
    client.end(true);
  }
}
