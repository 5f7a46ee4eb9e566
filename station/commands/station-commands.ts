// Commands a mechanic or the dashboard sends to a station over MQTT (`cmd/<name>`), validated with zod and
// applied to the charging core; the result goes back on `cmd/<name>/result`.

import { COMMAND_NAMES, isCommandName, parseCommandArgs, type CommandName } from '../../contract/commands.ts';
import type { Command } from '../../contract/messages.ts';
import type { ChargeController } from '../charging/charge-controller.ts';

export { COMMAND_NAMES, type CommandName };

export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Applies one command; the dock number may come as `dock` on the command or inside `args`. */
export function applyCommand(
  controller: ChargeController,
  knownDocks: ReadonlySet<number>,
  name: string,
  cmd: Command,
): unknown {
  if (!isCommandName(name)) throw new CommandError(`unknown command "${name}"; known: ${COMMAND_NAMES.join(', ')}`);
  const parsed = parseCommandArgs(name, cmd.dock, cmd.args);
  if (!parsed.success)
    throw new CommandError(parsed.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; '));
  const a = parsed.data as Record<string, unknown>;
  if (typeof a.dock === 'number' && !knownDocks.has(a.dock))
    throw new CommandError(`dock ${a.dock} does not exist at this station`);
  switch (name) {
    case 'stop-charging':
      controller.stopCharging(a.dock as number);
      return { dock: a.dock, charging: 'stopped' };
    case 'resume-charging':
      controller.resumeCharging(a.dock as number);
      return { dock: a.dock, charging: 'resumed' };
    case 'set-departure':
      controller.setDeparture(a.dock as number, (a.at as number | null) ?? null);
      return { dock: a.dock, departureAt: a.at };
    case 'maintenance':
      controller.setMaintenance(a.dock as number, a.on as boolean);
      return { dock: a.dock, maintenance: a.on };
    case 'acknowledge': {
      const r = controller.acknowledge(a.dock as number);
      if (!r.accepted) throw new CommandError(r.message);
      return { dock: a.dock, message: r.message };
    }
    case 'add-booking':
      controller.addBooking({
        id: a.id as string,
        at: a.at as number,
        packs: a.packs as number,
        minSocPct: a.minSocPct as number,
      });
      return { booking: a.id };
    case 'remove-booking':
      if (!controller.removeBooking(a.id as string)) throw new CommandError(`no booking ${String(a.id)}`);
      return { booking: a.id, removed: true };
  }
}
