// Writes the charging core's commands to the devices: off and BMS-FET commands at once (the bus's safety lane),
// set-points and "on" in order per dock, and never an "on" or a set-point that an "off" has overtaken.

import type { Logger } from 'pino';
import type { ChargeCommand } from '../charging/charging-types.ts';
import type { DockDevices } from '../devices/dock-devices.ts';

export interface CommandStats {
  written: number;
  failed: number;
  /** Set-points and "on" dropped because an "off" for the same dock came after them. */
  superseded: number;
}

export class CommandWriter {
  private readonly chains = new Map<number, Promise<void>>();
  // Per dock, bumped by every off: queued normal commands from before it are dropped, never written late.
  private readonly offGeneration = new Map<number, number>();
  readonly stats: CommandStats = { written: 0, failed: 0, superseded: 0 };

  constructor(
    private readonly docks: ReadonlyMap<number, DockDevices>,
    private readonly log: Logger,
    /** Told of every command that did not get through, so the charging core reports what really happened. */
    private readonly onFailure?: (command: ChargeCommand, why: string) => void,
  ) {}

  write(commands: readonly ChargeCommand[]): void {
    for (const cmd of commands) {
      const dev = this.docks.get(cmd.dock);
      if (!dev) continue;
      if (cmd.kind === 'off') this.off(dev, cmd.reason);
      else if (cmd.kind === 'bms-charge-fet') void this.run(cmd, () => dev.bms.setChargeFet(cmd.on));
      else this.enqueue(cmd, dev);
    }
  }

  private off(dev: DockDevices, reason: string): void {
    const dock = dev.config.dock;
    this.offGeneration.set(dock, (this.offGeneration.get(dock) ?? 0) + 1);
    const charger = dev.charger;
    if (!charger) return;
    void this.run({ dock, kind: 'off', reason }, () => charger.setOutput(false, 'safety'));
  }

  private enqueue(cmd: Extract<ChargeCommand, { kind: 'set' | 'on' }>, dev: DockDevices): void {
    const charger = dev.charger;
    if (!charger) return;
    const gen = this.offGeneration.get(cmd.dock) ?? 0;
    const prev = this.chains.get(cmd.dock) ?? Promise.resolve();
    const next = prev.then(async () => {
      if ((this.offGeneration.get(cmd.dock) ?? 0) !== gen) {
        this.stats.superseded++;
        return;
      }
      await this.run(cmd, () =>
        cmd.kind === 'set' ? charger.setVoltageCurrent(cmd.voltageV, cmd.currentA) : charger.setOutput(true),
      );
    });
    this.chains.set(cmd.dock, next);
  }

  private async run(cmd: ChargeCommand, action: () => Promise<void>): Promise<void> {
    try {
      await action();
      this.stats.written++;
    } catch (err) {
      this.stats.failed++;
      const why = err instanceof Error ? err.message : String(err);
      const code = err instanceof Error && 'code' in err ? String(err.code) : undefined;
      this.log.warn({ dock: cmd.dock, command: cmd.kind, code, err: why }, 'command not written');
      this.onFailure?.(cmd, why);
    }
  }

  /** Resolves when every queued command has been written or has failed. */
  async drain(): Promise<void> {
    await Promise.all(this.chains.values());
  }
}
