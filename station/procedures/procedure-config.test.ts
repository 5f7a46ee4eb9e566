// The procedure schema: the shipped procedures fit the 20x4 screen in German and English; a line too long, an
// unknown or unfitting condition and a repeated id are refused with the path of the field.

import { describe, expect, it } from 'vitest';
import { formatIssues } from '../../lib/config-error.ts';
import { encodeLcdText } from '../../firmware-bridge/io-board/hd44780-charset.ts';
import { DEFAULT_PROCEDURES } from './default-procedures.ts';
import { procedureListSchema } from './procedure-config.ts';

const problems = (input: unknown): string[] => {
  const r = procedureListSchema.safeParse(input);
  return r.success ? [] : formatIssues(r.error.issues);
};

const step = (de: string[], extra: Record<string, unknown> = {}) => ({ text: { de, en: ['x'] }, ...extra });
const proc = (id: string, steps: unknown[], extra: Record<string, unknown> = {}) => ({
  id,
  title: { de: 'Titel', en: 'Title' },
  steps,
  ...extra,
});

describe('procedures', () => {
  it('the shipped four are valid and every line fits 20 glyphs in both charsets', () => {
    const list = procedureListSchema.parse(DEFAULT_PROCEDURES);
    expect(list.map((p) => p.id)).toEqual(['swap-pack', 'clean-contacts', 'check-connector', 'check-brakes']);
    for (const p of list)
      for (const s of p.steps)
        for (const lines of [s.text.de, s.text.en])
          for (const l of lines ?? [])
            for (const cs of ['a00', 'ascii'] as const) expect(encodeLcdText(l, cs).length, l).toBeLessThanOrEqual(20);
    expect(list.find((p) => p.id === 'check-brakes')?.target).toBe('bay');
  });

  it('refuses a step line longer than the screen, naming the field', () => {
    expect(problems([proc('a', [step(['Diese Zeile ist viel zu lang.'])])])).toEqual([
      '[0].steps[0].text.de[0]: longer than 20 characters on the 20x4 screen',
    ]);
    // Umlauts take two glyphs where the screen has none: "Stecker fest drücken" is 21 there.
    expect(problems([proc('a', [step(['Stecker fest drücken'])])])).toHaveLength(1);
    expect(problems([proc('a', [step(['a', 'b', 'c'])])])[0]).toMatch(/^\[0\]\.steps\[0\]\.text\.de: at most 2 lines/);
  });

  it('refuses an unknown condition, and one the target cannot see', () => {
    expect(problems([proc('a', [step(['x'], { waitFor: 'door-open' })])])[0]).toMatch(
      /^\[0\]\.steps\[0\]\.waitFor: Invalid option/,
    );
    expect(problems([proc('a', [step(['x'], { waitFor: 'rickshaw-in-bay' })])])).toEqual([
      '[0].steps[0].waitFor: "rickshaw-in-bay" cannot be seen for a dock procedure (use dock-empty, pack-inserted, charger-off)',
    ]);
  });

  it('refuses a repeated procedure id and a repeated step id', () => {
    expect(problems([proc('a', [step(['x'])]), proc('a', [step(['y'])])])).toEqual([
      '[1].id: procedure id "a" appears twice',
    ]);
    expect(problems([proc('a', [step(['x'], { id: 's' }), step(['y'], { id: 's' })])])).toEqual([
      '[0].steps[1].id: step id "s" appears twice',
    ]);
  });
});
