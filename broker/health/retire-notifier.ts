// Tells every station which packs are retired (`retired-batteries` command, the whole list): when the list changes,
// and again to a station that missed it (offline, no answer), checked on the health service's timer.

import type { Logger } from 'pino';
import type { CommandRelay } from '../commands/command-relay.ts';

export class RetireNotifier {
  /** What each station last confirmed: the list's version. */
  private readonly confirmed = new Map<string, number>();
  private version = 0;
  private ids: string[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly relay: Pick<CommandRelay, 'send'>,
    private readonly stations: () => string[],
    private readonly log: Logger,
  ) {}

  /** A new list of retired packs; sent at the next run. */
  set(ids: Iterable<string>): void {
    this.ids = [...ids].sort();
    this.version++;
  }

  /** Sends the list to every station that has not confirmed this version; one run at a time. */
  run(): Promise<void> {
    this.running ??= this.sendAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sendAll(): Promise<void> {
    const version = this.version;
    const args = { ids: this.ids };
    await Promise.all(
      this.stations()
        .filter((s) => this.confirmed.get(s) !== version)
        .map(async (stationId) => {
          const r = await this.relay.send(stationId, 'retired-batteries', { args }, 'central');
          if (r.answered && r.result.ok) this.confirmed.set(stationId, version);
          else this.log.debug({ stationId }, 'retired list not confirmed; sent again later');
        }),
    );
  }
}
