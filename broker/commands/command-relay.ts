// Sends a mechanic's command to a station on `cmd/<name>` and waits for the station's answer on
// `cmd/<name>/result`, matched by a fresh request id; the HTTP API turns the outcome into its answer.

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { CommandName } from '../../contract/commands.ts';
import { commandResultSchema, type Command, type CommandResult } from '../../contract/messages.ts';
import { parseTopic, topics } from '../../contract/topics.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { Metrics } from '../metrics/metrics.ts';

/** Where commands go out and results come in: the embedded broker, or the ingester's client on an external one. */
export interface CommandPort {
  /** Publishes a command (QoS 1, not retained). */
  publish(topic: string, payload: string): Promise<void>;
  /** Delivers every `rikscha/v1/+/cmd/+/result` message to `onResult`; resolves once subscribed. */
  subscribeResults(onResult: (topic: string, payload: Buffer) => void): Promise<void>;
}

export type RelayOutcome =
  { answered: true; result: CommandResult } | { answered: false; reason: 'timeout' | 'closed' };

interface Pending {
  stationId: string;
  name: string;
  resolve: (o: RelayOutcome) => void;
  timer: TimerHandle;
}

const M = {
  sent: 'rikscha_commands_sent_total',
  results: 'rikscha_command_results_total',
} as const;

export class CommandRelay {
  private readonly pending = new Map<string, Pending>();
  private started: Promise<void> | null = null;

  constructor(
    private readonly port: CommandPort,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    /** How long a station has to answer (ms). */
    private readonly timeoutMs = 10_000,
  ) {
    metrics.counter(M.sent, 'Commands sent to stations on behalf of mechanics');
    metrics.counter(M.results, 'Command outcomes, by result', [
      { result: 'ok' },
      { result: 'refused' },
      { result: 'timeout' },
    ]);
  }

  /** Subscribes to the results (once); commands sent before that resolves could miss their answer. */
  start(): Promise<void> {
    this.started ??= this.port.subscribeResults((topic, payload) => this.onResult(topic, payload));
    return this.started;
  }

  /** Sends `name` to the station and resolves with its answer, or with a timeout. `by` is logged, for the record. */
  async send(
    stationId: string,
    name: CommandName,
    body: { dock?: number; args?: Record<string, unknown> },
    by: string,
  ): Promise<RelayOutcome> {
    await this.start();
    const id = randomBytes(8).toString('hex');
    const cmd: Command = {
      id,
      ...(body.dock !== undefined ? { dock: body.dock } : {}),
      ...(body.args ? { args: body.args } : {}),
    };
    const outcome = new Promise<RelayOutcome>((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        this.metrics.inc(M.results, { result: 'timeout' });
        this.log.warn({ stationId, command: name, id, by }, 'station did not answer a command');
        resolve({ answered: false, reason: 'timeout' });
      }, this.timeoutMs);
      this.pending.set(id, { stationId, name, resolve, timer });
    });
    this.log.info({ stationId, command: name, id, dock: body.dock, args: body.args, by }, 'command sent to station');
    try {
      await this.port.publish(topics.cmd(stationId, name), JSON.stringify(cmd));
    } catch (err) {
      this.settle(id, { answered: false, reason: 'closed' });
      throw err;
    }
    this.metrics.inc(M.sent);
    return outcome;
  }

  private onResult(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (!t || t.kind !== 'cmdResult') return;
    let result: CommandResult;
    try {
      result = commandResultSchema.parse(JSON.parse(payload.toString('utf8')));
    } catch {
      return; // the broker's validation counts and logs malformed results; nothing of ours to match
    }
    const p = this.pending.get(result.id);
    // Only the station the command went to, answering that command, settles it.
    if (!p || p.stationId !== t.stationId || result.stationId !== t.stationId || p.name !== t.command) return;
    this.metrics.inc(M.results, { result: result.ok ? 'ok' : 'refused' });
    this.log.info(
      { stationId: p.stationId, command: p.name, id: result.id, ok: result.ok, error: result.error },
      'station answered a command',
    );
    this.settle(result.id, { answered: true, result });
  }

  private settle(id: string, outcome: RelayOutcome): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.timer.cancel();
    p.resolve(outcome);
  }

  /** Answers every waiting request with 'closed' (shut-down). */
  close(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { answered: false, reason: 'closed' });
  }
}
