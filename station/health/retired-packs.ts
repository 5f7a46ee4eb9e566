// The packs the central side has retired (a mechanic's work record), as the station last heard: kept in the station
// database so a restart without the broker still refuses them; the charge loop quarantines them as `retire`.

import type Database from 'better-sqlite3';
import { commandArgs } from '../../contract/commands.ts';
import type { Command } from '../../contract/messages.ts';
import type { BatteryHealth } from '../charging/charging-types.ts';
import { CommandError } from '../commands/station-commands.ts';

/** One shared object: the controller recomputes a dock's limit when the health object's identity changes. */
const RETIRED: BatteryHealth = Object.freeze({ retire: true });

export class RetiredPacks {
  private ids = new Set<string>();

  constructor(private readonly db: Database.Database) {
    this.ids = new Set(db.prepare('SELECT battery_id FROM retired_batteries').pluck().all() as string[]);
  }

  /** The `retired-batteries` command: the whole list, replacing the one before. */
  apply(cmd: Command): { retired: number } {
    const parsed = commandArgs['retired-batteries'].safeParse(cmd.args ?? {});
    if (!parsed.success)
      throw new CommandError(parsed.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; '));
    const ids = new Set(parsed.data.ids);
    const insert = this.db.prepare('INSERT INTO retired_batteries (battery_id) VALUES (?)');
    this.db.transaction(() => {
      this.db.exec('DELETE FROM retired_batteries');
      for (const id of ids) insert.run(id);
    })();
    this.ids = ids;
    return { retired: ids.size };
  }

  has(batteryId: string): boolean {
    return this.ids.has(batteryId);
  }

  /** What the charge loop passes to the controller for a pack. */
  healthOf(batteryId: string): BatteryHealth | undefined {
    return this.ids.has(batteryId) ? RETIRED : undefined;
  }
}
