// The relay matches a station's answer to the command that asked for it: only the station and command it went
// to, with its id, settle it; otherwise the request times out (on an injected clock), and close() ends the rest.

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { Metrics } from '../metrics/metrics.ts';
import { CommandRelay, type CommandPort } from './command-relay.ts';

function fakePort() {
  const sent: Array<{ topic: string; payload: string }> = [];
  let deliver: (topic: string, payload: Buffer) => void = () => undefined;
  const port: CommandPort = {
    publish: async (topic, payload) => void sent.push({ topic, payload }),
    subscribeResults: async (onResult) => void (deliver = onResult),
  };
  const answer = (topic: string, body: object) => deliver(topic, Buffer.from(JSON.stringify(body)));
  return { port, sent, answer };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('command relay', () => {
  it('settles only on the answer of the right station to the right command', async () => {
    const clock = new ManualClock();
    const { port, sent, answer } = fakePort();
    const relay = new CommandRelay(port, clock, pino({ level: 'silent' }), new Metrics(), 1000);
    let outcome: unknown = null;
    void relay.send('st-a', 'stop-charging', { dock: 2 }, 'mech').then((o) => (outcome = o));
    await flush();
    expect(sent).toHaveLength(1);
    const id = (JSON.parse(sent[0]?.payload ?? '{}') as { id: string }).id;
    // Another station answering with the same id, the same station on another command, a broken payload: ignored.
    answer('rikscha/v1/st-b/cmd/stop-charging/result', { stationId: 'st-b', ts: 1, id, ok: true });
    answer('rikscha/v1/st-a/cmd/acknowledge/result', { stationId: 'st-a', ts: 1, id, ok: true });
    answer('rikscha/v1/st-a/cmd/stop-charging/result', { stationId: 'st-a', ts: 1, id });
    await flush();
    expect(outcome).toBeNull();
    answer('rikscha/v1/st-a/cmd/stop-charging/result', { stationId: 'st-a', ts: 1, id, ok: true, result: { dock: 2 } });
    await flush();
    expect(outcome).toEqual({
      answered: true,
      result: { stationId: 'st-a', ts: 1, id, ok: true, result: { dock: 2 } },
    });
  });

  it('times out on the clock, and close() answers what still waits', async () => {
    const clock = new ManualClock();
    const { port } = fakePort();
    const relay = new CommandRelay(port, clock, pino({ level: 'silent' }), new Metrics(), 1000);
    const a = relay.send('st-a', 'acknowledge', { dock: 1 }, 'mech');
    await flush();
    clock.advance(999);
    const b = relay.send('st-a', 'acknowledge', { dock: 2 }, 'mech');
    await flush();
    clock.advance(1);
    expect(await a).toEqual({ answered: false, reason: 'timeout' });
    relay.close();
    expect(await b).toEqual({ answered: false, reason: 'closed' });
  });
});
