// The commands a station accepts on `cmd/<name>` and the arguments of each: the station applies them, the
// broker's HTTP API checks a mechanic's request against the same schemas before it goes out.

import { z } from 'zod';

const dock = z.number().int().min(1).max(512);

/** Arguments per command; a dock number may come as the command's `dock` or inside its `args`. */
export const commandArgs = {
  'stop-charging': z.object({ dock }),
  'resume-charging': z.object({ dock }),
  'set-departure': z.object({ dock, at: z.number().int().positive().nullable().describe('epoch ms, null clears it') }),
  maintenance: z.object({ dock, on: z.boolean() }),
  acknowledge: z.object({ dock }),
  'add-booking': z.object({
    id: z.string().min(1).max(64),
    at: z.number().int().positive(),
    packs: z.number().int().min(1).max(64),
    minSocPct: z.number().min(1).max(100),
  }),
  'remove-booking': z.object({ id: z.string().min(1).max(64) }),
  /** From the central side: a rickshaw's registry name and the German words of its due services, for the screen. */
  'rickshaw-notice': z.object({
    hwId: z.string().regex(/^[0-9a-f]{24}$/),
    name: z.string().max(40).nullable(),
    tasks: z.array(z.string().max(40)).max(16),
  }),
  /** From the central side: every retired pack; a station neither charges nor dispatches them (replaces the list). */
  'retired-batteries': z.object({ ids: z.array(z.string().min(1).max(64)).max(100_000) }),
} as const;

export type CommandName = keyof typeof commandArgs;
export const COMMAND_NAMES = Object.keys(commandArgs) as CommandName[];

export const isCommandName = (name: string): name is CommandName => Object.hasOwn(commandArgs, name);

/** The arguments of a command as the station will read them: `dock` merged into `args`, then checked. */
export function parseCommandArgs(
  name: CommandName,
  dockNo: number | undefined,
  args: Record<string, unknown> | undefined,
) {
  return commandArgs[name].safeParse({ ...(dockNo !== undefined ? { dock: dockNo } : {}), ...args });
}
