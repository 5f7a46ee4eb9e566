// Guided procedures as config: a short list of steps, each one to three lines of the 20x4 screen in German and English
// (and optionally the station's other languages), confirmed with the button or by a condition the station can see.
// One zod schema for the procedures section of a station config and for a procedures file of its own.

import { z } from 'zod';
import { screenLine } from '../display/screen-language.ts';

/** What a step may wait for: each one the station can see without a person telling it. */
export const CONDITIONS = ['dock-empty', 'pack-inserted', 'charger-off', 'rickshaw-in-bay'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Which conditions make sense for what a procedure works on: a dock's pack, or a rickshaw in a service bay. */
export const CONDITIONS_FOR: Record<'dock' | 'bay', readonly Condition[]> = {
  dock: ['dock-empty', 'pack-inserted', 'charger-off'],
  bay: ['rickshaw-in-bay'],
};

/** Most steps in one procedure: a trainee follows a short list; a longer job is two procedures. */
export const MAX_STEPS = 12;
/** Lines of step text: the screen's first line says which step it is, the last what to do next. */
export const STEP_LINES = 2;

const lines = z
  .array(screenLine())
  .min(1)
  .max(STEP_LINES, `at most ${STEP_LINES} lines: the screen's other two say the step number and what to do next`);

/** Text per language: de and en always; another language (tr, ar, ...) optional, English where it is missing. */
const textSchema = z
  .object({ de: lines, en: lines })
  .catchall(lines)
  .superRefine((t, ctx) => {
    for (const k of Object.keys(t))
      if (!/^[a-z]{2,3}$/.test(k))
        ctx.addIssue({ code: 'custom', path: [k], message: 'language code like de, en, tr' });
  });

const titleSchema = z
  .object({ de: screenLine(), en: screenLine() })
  .catchall(screenLine())
  .describe('one screen line per language (de, en, optionally more)');

export const stepSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'step id: lower-case letters, digits, dashes')
    .optional()
    .describe('names the step in the events; defaults to its number'),
  text: textSchema.describe('what to do, 1-2 lines of at most 20 characters per language'),
  waitFor: z
    .enum(CONDITIONS)
    .optional()
    .describe('the step ends by itself once the station sees this; without it, a long press confirms the step'),
});
export type ProcedureStep = z.infer<typeof stepSchema>;

export const procedureSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'procedure id: lower-case letters, digits, dashes')
      .describe('stays the same across versions: the logbook counts tasks by it'),
    title: titleSchema,
    target: z.enum(['dock', 'bay']).default('dock').describe("what it works on: a dock's pack or a docked rickshaw"),
    maintenance: z
      .boolean()
      .default(true)
      .describe('dock procedures: the dock goes into maintenance (charger off) for the whole procedure; default true'),
    steps: z.array(stepSchema).min(1).max(MAX_STEPS),
  })
  .superRefine((p, ctx) => {
    p.steps.forEach((s, i) => {
      if (s.waitFor && !CONDITIONS_FOR[p.target].includes(s.waitFor))
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'waitFor'],
          message: `"${s.waitFor}" cannot be seen for a ${p.target} procedure (use ${CONDITIONS_FOR[p.target].join(', ')})`,
        });
    });
    const ids = new Map<string, number>();
    p.steps.forEach((s, i) => {
      if (s.id === undefined) return;
      if (ids.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `step id "${s.id}" appears twice` });
      ids.set(s.id, i);
    });
  });
export type Procedure = z.infer<typeof procedureSchema>;

/** Procedure ids are unique; reads the raw list defensively because it also runs when other fields are invalid. */
function checkProcedureIds(list: unknown, ctx: z.RefinementCtx): void {
  if (!Array.isArray(list)) return;
  const seen = new Set<string>();
  list.forEach((p: unknown, i) => {
    const id = (p as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `procedure id "${id}" appears twice` });
    seen.add(id);
  });
}

export const procedureListSchema = z
  .array(procedureSchema)
  .max(32)
  .superRefine(checkProcedureIds, { when: () => true });

/** A procedures file: `{ "procedures": [...] }`, referenced from a station config or checked on its own. */
export const proceduresFileSchema = z.strictObject({ procedures: procedureListSchema });
