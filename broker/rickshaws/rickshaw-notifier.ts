// Tells each station what to show about the rickshaws in its bays: the registry name and the services due
// (`rickshaw-notice` command). Checked every noticeIntervalMs; a notice goes out only when it changed since the last
// one the station accepted, so a quiet fleet sends nothing.

import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import { repeatEvery, type Repeater } from '../../lib/repeat-every.ts';
import type { CommandRelay } from '../commands/command-relay.ts';
import type { RickshawRegistry } from './rickshaw-registry.ts';

export class RickshawNotifier {
  private readonly sent = new Map<string, string>();
  private repeater: Repeater | null = null;

  constructor(
    private readonly deps: {
      registry: RickshawRegistry;
      relay: Pick<CommandRelay, 'send'>;
      clock: Clock;
      log: Logger;
      intervalMs: number;
      /** Only stations that are online get notices (a command to an offline one would only time out). */
      online: (stationId: string) => boolean;
    },
  ) {}

  start(): void {
    this.repeater ??= repeatEvery(
      this.deps.clock,
      this.deps.intervalMs,
      () => this.check(),
      (err) => this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'notice round failed'),
    );
  }

  async stop(): Promise<void> {
    await this.repeater?.stop();
    this.repeater = null;
  }

  /** One round now: sends every changed notice and resolves when the stations answered (or timed out). */
  async check(): Promise<void> {
    const { registry, relay, clock, log } = this.deps;
    const notices = registry.bayNotices(clock.now()).filter((n) => this.deps.online(n.stationId));
    // A rickshaw that left is forgotten here, so its next visit (maybe to a restarted station) is told again.
    const present = new Set(notices.map((n) => `${n.stationId}/${n.hwId}`));
    for (const key of this.sent.keys()) if (!present.has(key)) this.sent.delete(key);
    await Promise.all(
      notices.map(async (n) => {
        const key = `${n.stationId}/${n.hwId}`;
        const args = { hwId: n.hwId, name: n.name, tasks: n.tasks };
        const text = JSON.stringify(args);
        if (this.sent.get(key) === text) return;
        try {
          const r = await relay.send(n.stationId, 'rickshaw-notice', { args }, 'central');
          if (r.answered && r.result.ok) this.sent.set(key, text);
        } catch (err) {
          log.warn(
            { stationId: n.stationId, err: err instanceof Error ? err.message : String(err) },
            'notice not sent',
          );
        }
      }),
    );
  }
}
