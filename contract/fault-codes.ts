// The one table of dock fault codes (E12 ...) and hint codes (I21 ...): the condition each maps from, its title and
// next action in plain German (Leichte Sprache) and English, the LED blink pattern. Station screen, LEDs, dashboard and
// the printed sheet all read this table, so a code means the same thing on every surface.

import { z } from 'zod';

/** A code as it travels in dock telemetry: a letter and two digits (E: fault, I: hint why a pack is not charging). */
export const FAULT_CODE = /^[A-Z][0-9]{2}$/;
export const faultCodeSchema = z.string().regex(FAULT_CODE, 'fault code: a letter and two digits, e.g. E12');

/** The languages the table ships; a station may add another by config (station display texts). */
export const FAULT_LANGUAGES = ['de', 'en'] as const;
export type FaultLanguage = (typeof FAULT_LANGUAGES)[number];

/**
 * Conditions the station derives for a dock, `<source>:<name>`. `interlock:` and `quarantine:` are the charging core's
 * fault causes (temperature split into high, low and missing by the battery's sensors), `hold:` why a pack in service
 * is not charging, `unknown:` anything the station cannot place (a newer core, a bug): never silent.
 */
export const DOCK_CONDITIONS = [
  'interlock:temperature-missing',
  'interlock:temperature-high',
  'interlock:temperature-low',
  'interlock:bms-protection',
  'interlock:cell-over-voltage',
  'interlock:charger-not-off',
  'interlock:charger-over-voltage',
  'interlock:charger-over-current',
  'interlock:ignores-setpoint',
  'interlock:stale-bms',
  'interlock:stale-charger',
  'quarantine:temperature-missing',
  'quarantine:temperature-high',
  'quarantine:temperature-low',
  'quarantine:bms-protection',
  'quarantine:cell-over-voltage',
  'quarantine:cell-spread',
  'quarantine:cell-under-voltage',
  'quarantine:voltage-class',
  'quarantine:charger-class',
  'quarantine:retire',
  'unknown:fault',
  'hold:stopped',
  'hold:charger-not-answering',
  'hold:waiting-for-charge-fet',
  'hold:charge-fet-open',
  'hold:no-capacity',
  'hold:temperature-window',
  'hold:no-budget',
  'hold:not-eligible',
  'hold:target-reached',
  'unknown:hold',
] as const;
export const dockConditionSchema = z.enum(DOCK_CONDITIONS);
export type DockCondition = z.infer<typeof dockConditionSchema>;

/** What a trainee reads: every string short enough for the 20x4 screen (checked in fault-codes.test.ts). */
export const faultTextSchema = z.object({
  /** After "E12 " on one screen line: at most 16 glyphs. */
  title: z.string().min(1).max(16),
  /** The one next action, one screen line: at most 20 glyphs. */
  action: z.string().min(1).max(20),
  /** The longer explanation for the dashboard and the printed sheet. */
  explain: z.string().min(1).max(400),
});
export type FaultText = z.infer<typeof faultTextSchema>;

export const LED_COLORS = ['red', 'amber', 'green', 'blue'] as const;

/**
 * The dock LED shows a fault's code by blinking: `pulses[0]` flashes, a gap, `pulses[1]` flashes, a long pause, again.
 * E12 = 1 flash, gap, 2 flashes. Timing in LED_CODE_TIMING. Hints have no pattern of their own (the state LED shows).
 */
export const ledCodeSchema = z.object({
  color: z.enum(LED_COLORS),
  pulses: z.tuple([z.number().int().min(1).max(6), z.number().int().min(1).max(6)]),
});
export type LedCode = z.infer<typeof ledCodeSchema>;

export const faultCodeEntrySchema = z.object({
  code: faultCodeSchema,
  /** fault: the dock is in fault (charger off); hint: why a pack in service does not charge now. */
  kind: z.enum(['fault', 'hint']),
  /** 1 is most urgent: the screen shows the most urgent fault first. */
  urgency: z.number().int().min(1).max(9),
  conditions: z.array(dockConditionSchema).min(1),
  /** May a trainee touch (and take out) the pack now? */
  touchPack: z.boolean(),
  /** Only a mechanic can fix it (the trainee calls one). */
  mechanic: z.boolean(),
  led: ledCodeSchema.nullable(),
  text: z.object({ de: faultTextSchema, en: faultTextSchema }),
});
export type FaultCodeEntry = z.infer<typeof faultCodeEntrySchema>;

/** Blink timing of LED codes, ms: flash on, dark between flashes, gap between the two digits, pause before repeating. */
export const LED_CODE_TIMING = { onMs: 250, offMs: 250, gapMs: 1000, pauseMs: 2500 } as const;

/** The one line below the title that says whether the pack may be touched. */
export const TOUCH_TEXT: Record<FaultLanguage, { yes: string; no: string }> = {
  de: { yes: 'Anfassen erlaubt', no: 'Nicht anfassen' },
  en: { yes: 'You may touch it', no: 'Do not touch' },
};

const red = (a: number, b: number): LedCode => ({ color: 'red', pulses: [a, b] });

export const FAULT_CODES: readonly FaultCodeEntry[] = [
  {
    code: 'E31',
    kind: 'fault',
    urgency: 1,
    conditions: ['interlock:charger-not-off'],
    touchPack: false,
    mechanic: true,
    led: red(3, 1),
    text: {
      de: {
        title: 'Lader bleibt an',
        action: 'Netzstecker ziehen',
        explain:
          'Das Ladegerät schaltet nicht ab. Die Station hat den Ladeschalter im Akku geöffnet. Ziehen Sie den Netzstecker des Ladegeräts. Rufen Sie einen Mechaniker. Danach Taste lang drücken.',
      },
      en: {
        title: 'Charger stuck on',
        action: 'Unplug the charger',
        explain:
          "The charger does not switch off. The station opened the pack's charge switch. Unplug the charger from the mains, call a mechanic, then hold the button.",
      },
    },
  },
  {
    code: 'E32',
    kind: 'fault',
    urgency: 2,
    conditions: ['interlock:charger-over-voltage'],
    touchPack: false,
    mechanic: true,
    led: red(3, 2),
    text: {
      de: {
        title: 'Spannung zu hoch',
        action: 'Mechaniker rufen',
        explain:
          'Das Ladegerät gibt mehr Spannung als erlaubt. Die Station hat es abgeschaltet. Ein Mechaniker muss das Ladegerät prüfen.',
      },
      en: {
        title: 'Voltage too high',
        action: 'Call a mechanic',
        explain:
          'The charger put out more voltage than allowed and was switched off. A mechanic must check the charger.',
      },
    },
  },
  {
    code: 'E33',
    kind: 'fault',
    urgency: 2,
    conditions: ['interlock:charger-over-current'],
    touchPack: false,
    mechanic: true,
    led: red(3, 3),
    text: {
      de: {
        title: 'Strom zu hoch',
        action: 'Mechaniker rufen',
        explain:
          'Das Ladegerät gibt mehr Strom als erlaubt. Die Station hat es abgeschaltet. Ein Mechaniker muss das Ladegerät prüfen.',
      },
      en: {
        title: 'Current too high',
        action: 'Call a mechanic',
        explain:
          'The charger put out more current than allowed and was switched off. A mechanic must check the charger.',
      },
    },
  },
  {
    code: 'E34',
    kind: 'fault',
    urgency: 2,
    conditions: ['interlock:ignores-setpoint'],
    touchPack: false,
    mechanic: true,
    led: red(3, 4),
    text: {
      de: {
        title: 'Lader defekt',
        action: 'Mechaniker rufen',
        explain:
          'Das Ladegerät hält sich nicht an den Strom, den die Station vorgibt. Die Station hat es abgeschaltet. Ein Mechaniker muss es prüfen.',
      },
      en: {
        title: 'Charger faulty',
        action: 'Call a mechanic',
        explain:
          'The charger does not follow the current the station sets and was switched off. A mechanic must check it.',
      },
    },
  },
  {
    code: 'E12',
    kind: 'fault',
    urgency: 3,
    conditions: ['interlock:temperature-high', 'quarantine:temperature-high'],
    touchPack: false,
    mechanic: false,
    led: red(1, 2),
    text: {
      de: {
        title: 'Akku zu heiß',
        action: 'Warten bis grün',
        explain:
          'Der Akku ist zu heiß zum Laden. Nicht anfassen. Die Station lädt weiter, wenn er abgekühlt ist. Die Lampe wird dann grün.',
      },
      en: {
        title: 'Pack too hot',
        action: 'Wait for green',
        explain:
          'The pack is too hot to charge. Do not touch it. The station charges again once it has cooled down; the light turns green.',
      },
    },
  },
  {
    code: 'E21',
    kind: 'fault',
    urgency: 4,
    conditions: ['interlock:bms-protection', 'quarantine:bms-protection'],
    touchPack: false,
    mechanic: true,
    led: red(2, 1),
    text: {
      de: {
        title: 'Akku-Schutz an',
        action: 'Mechaniker rufen',
        explain:
          'Die Elektronik im Akku hat sich selbst abgeschaltet (zum Beispiel Überladung oder Kurzschluss). Ein Mechaniker muss den Akku prüfen.',
      },
      en: {
        title: 'Pack protection',
        action: 'Call a mechanic',
        explain:
          "The pack's own electronics switched it off (for example over-charge or a short circuit). A mechanic must check the pack.",
      },
    },
  },
  {
    code: 'E22',
    kind: 'fault',
    urgency: 4,
    conditions: ['interlock:cell-over-voltage', 'quarantine:cell-over-voltage'],
    touchPack: false,
    mechanic: true,
    led: red(2, 2),
    text: {
      de: {
        title: 'Zelle zu voll',
        action: 'Mechaniker rufen',
        explain:
          'Eine Zelle im Akku hat zu viel Spannung. Das kann gefährlich sein. Nicht anfassen. Ein Mechaniker muss den Akku prüfen.',
      },
      en: {
        title: 'Cell overcharged',
        action: 'Call a mechanic',
        explain: 'A cell in the pack is above its voltage limit. This can be dangerous: do not touch, call a mechanic.',
      },
    },
  },
  {
    code: 'E11',
    kind: 'fault',
    urgency: 5,
    conditions: ['interlock:temperature-missing', 'quarantine:temperature-missing'],
    touchPack: true,
    mechanic: true,
    led: red(1, 1),
    text: {
      de: {
        title: 'Keine Temperatur',
        action: 'Mechaniker rufen',
        explain:
          'Der Akku meldet keine Temperatur. Ohne Temperatur lädt die Station nicht. Ein Mechaniker muss den Fühler prüfen.',
      },
      en: {
        title: 'No temperature',
        action: 'Call a mechanic',
        explain:
          'The pack reports no temperature, and the station does not charge without one. A mechanic must check the sensor.',
      },
    },
  },
  {
    code: 'E41',
    kind: 'fault',
    urgency: 5,
    conditions: ['interlock:stale-bms'],
    touchPack: true,
    mechanic: false,
    led: red(4, 1),
    text: {
      de: {
        title: 'Keine Akku-Daten',
        action: 'Stecker prüfen',
        explain:
          'Der Akku antwortet nicht mehr. Vielleicht ist der Daten-Stecker lose. Stecker prüfen. Hilft das nicht: Mechaniker rufen.',
      },
      en: {
        title: 'No pack data',
        action: 'Check the plug',
        explain:
          'The pack stopped answering. The data plug may be loose: check it. If that does not help, call a mechanic.',
      },
    },
  },
  {
    code: 'E42',
    kind: 'fault',
    urgency: 5,
    conditions: ['interlock:stale-charger'],
    touchPack: true,
    mechanic: true,
    led: red(4, 2),
    text: {
      de: {
        title: 'Lader ohne Daten',
        action: 'Mechaniker rufen',
        explain: 'Das Ladegerät antwortet nicht mehr. Die Station lädt an diesem Platz nicht. Mechaniker rufen.',
      },
      en: {
        title: 'No charger data',
        action: 'Call a mechanic',
        explain: 'The charger stopped answering, so this dock does not charge. Call a mechanic.',
      },
    },
  },
  {
    code: 'E61',
    kind: 'fault',
    urgency: 5,
    conditions: ['unknown:fault'],
    touchPack: false,
    mechanic: true,
    led: red(6, 1),
    text: {
      de: {
        title: 'Störung',
        action: 'Mechaniker rufen',
        explain: 'Eine Störung, die die Station nicht genauer kennt. Nicht anfassen. Mechaniker rufen.',
      },
      en: {
        title: 'Fault',
        action: 'Call a mechanic',
        explain: 'A fault the station cannot name. Do not touch, call a mechanic.',
      },
    },
  },
  {
    code: 'E13',
    kind: 'fault',
    urgency: 6,
    conditions: ['interlock:temperature-low', 'quarantine:temperature-low'],
    touchPack: true,
    mechanic: false,
    led: red(1, 3),
    text: {
      de: {
        title: 'Akku zu kalt',
        action: 'Warten bis grün',
        explain:
          'Der Akku ist zu kalt zum Laden. Die Station lädt, wenn er wärmer ist. Die Lampe wird dann grün. Im Winter: Akku drinnen lagern.',
      },
      en: {
        title: 'Pack too cold',
        action: 'Wait for green',
        explain:
          'The pack is too cold to charge. The station charges once it is warmer; the light turns green. In winter, store packs indoors.',
      },
    },
  },
  {
    code: 'E23',
    kind: 'fault',
    urgency: 6,
    conditions: ['quarantine:cell-spread'],
    touchPack: true,
    mechanic: true,
    led: red(2, 3),
    text: {
      de: {
        title: 'Zellen ungleich',
        action: 'Akku zur Werkstatt',
        explain: 'Die Zellen im Akku sind ungleich voll. Der Akku darf nicht fahren. Bringen Sie ihn in die Werkstatt.',
      },
      en: {
        title: 'Cells uneven',
        action: 'Take it to the shop',
        explain: 'The cells of the pack are unevenly charged. It must not go out on a ride: take it to the workshop.',
      },
    },
  },
  {
    code: 'E24',
    kind: 'fault',
    urgency: 6,
    conditions: ['quarantine:cell-under-voltage'],
    touchPack: true,
    mechanic: true,
    led: red(2, 4),
    text: {
      de: {
        title: 'Akku ganz leer',
        action: 'Akku zur Werkstatt',
        explain: 'Der Akku ist zu tief entladen. Normales Laden ist dann gefährlich. Bringen Sie ihn in die Werkstatt.',
      },
      en: {
        title: 'Pack too empty',
        action: 'Take it to the shop',
        explain: 'The pack is deeply discharged; normal charging would be unsafe. Take it to the workshop.',
      },
    },
  },
  {
    code: 'E51',
    kind: 'fault',
    urgency: 7,
    conditions: ['quarantine:voltage-class'],
    touchPack: true,
    mechanic: false,
    led: red(5, 1),
    text: {
      de: {
        title: 'Falscher Akku',
        action: 'Akku herausnehmen',
        explain:
          'Dieser Akku passt nicht zu diesem Ladeplatz (andere Spannung). Nehmen Sie ihn heraus. Stecken Sie ihn in einen passenden Platz.',
      },
      en: {
        title: 'Wrong pack',
        action: 'Take the pack out',
        explain: 'This pack does not fit this dock (other voltage). Take it out and put it into a dock that fits.',
      },
    },
  },
  {
    code: 'E52',
    kind: 'fault',
    urgency: 7,
    conditions: ['quarantine:charger-class'],
    touchPack: true,
    mechanic: true,
    led: red(5, 2),
    text: {
      de: {
        title: 'Falscher Lader',
        action: 'Akku herausnehmen',
        explain:
          'Das Ladegerät an diesem Platz ist zu schwach für diesen Akku. Nehmen Sie den Akku heraus. Ein Mechaniker prüft das Ladegerät.',
      },
      en: {
        title: 'Wrong charger',
        action: 'Take the pack out',
        explain:
          "This dock's charger cannot reach the pack's voltage. Take the pack out; a mechanic checks the charger.",
      },
    },
  },
  {
    code: 'E53',
    kind: 'fault',
    urgency: 7,
    conditions: ['quarantine:retire'],
    touchPack: true,
    mechanic: true,
    led: red(5, 3),
    text: {
      de: {
        title: 'Akku ausmustern',
        action: 'Akku zur Werkstatt',
        explain: 'Dieser Akku ist zu alt oder gesperrt. Er darf nicht mehr fahren. Bringen Sie ihn in die Werkstatt.',
      },
      en: {
        title: 'Retire the pack',
        action: 'Take it to the shop',
        explain: 'This pack is worn out or flagged for retirement. It must not ride again: take it to the workshop.',
      },
    },
  },
  ...hints(),
];

function hint(
  code: string,
  conditions: DockCondition[],
  touchPack: boolean,
  de: [string, string, string],
  en: [string, string, string],
): FaultCodeEntry {
  return {
    code,
    kind: 'hint',
    urgency: 9,
    conditions,
    touchPack,
    mechanic: false,
    led: null,
    text: {
      de: { title: de[0], action: de[1], explain: de[2] },
      en: { title: en[0], action: en[1], explain: en[2] },
    },
  };
}

function hints(): FaultCodeEntry[] {
  return [
    hint(
      'I11',
      ['hold:stopped'],
      true,
      ['Laden gestoppt', 'Mechaniker fragen', 'Ein Mechaniker hat das Laden an diesem Platz angehalten.'],
      ['Charging stopped', 'Ask a mechanic', 'A mechanic stopped charging at this dock.'],
    ),
    hint(
      'I12',
      ['hold:charger-not-answering'],
      true,
      ['Kein Lader', 'Mechaniker fragen', 'Das Ladegerät antwortet nicht. Der Akku wird nicht geladen.'],
      ['No charger', 'Ask a mechanic', 'The charger does not answer; the pack is not charged.'],
    ),
    hint(
      'I13',
      ['hold:waiting-for-charge-fet'],
      false,
      ['Wartet auf Akku', 'Bitte warten', 'Die Station wartet, bis der Akku sein Laden wieder erlaubt.'],
      ['Waiting for pack', 'Please wait', 'The station waits until the pack allows charging again.'],
    ),
    hint(
      'I14',
      ['hold:charge-fet-open'],
      true,
      ['Akku lädt nicht', 'Mechaniker fragen', 'Der Akku hat sein Laden selbst abgeschaltet.'],
      ['Pack blocks', 'Ask a mechanic', 'The pack switched its own charging off.'],
    ),
    hint(
      'I15',
      ['hold:no-capacity'],
      true,
      ['Akku ohne Daten', 'Mechaniker fragen', 'Der Akku sagt nicht, wie viel er fasst. Die Station lädt ihn nicht.'],
      [
        'No pack capacity',
        'Ask a mechanic',
        'The pack does not report its capacity, so the station does not charge it.',
      ],
    ),
    hint(
      'I16',
      ['hold:temperature-window'],
      true,
      ['Akku-Temperatur', 'Warten bis grün', 'Der Akku ist zu warm oder zu kalt zum Laden. Die Station wartet.'],
      ['Pack temperature', 'Wait for green', 'The pack is too warm or too cold to charge; the station waits.'],
    ),
    hint(
      'I21',
      ['hold:no-budget'],
      true,
      ['Wartet auf Strom', 'Bitte warten', 'Andere Akkus laden zuerst. Dieser Akku kommt später dran.'],
      ['Awaiting power', 'Please wait', 'Other packs charge first; this one gets its turn later.'],
    ),
    hint(
      'I22',
      ['hold:not-eligible'],
      true,
      ['Wartet', 'Bitte warten', 'Dieser Akku lädt gerade nicht.'],
      ['Waiting', 'Please wait', 'This pack is not charging now.'],
    ),
    hint(
      'I23',
      ['hold:target-reached'],
      true,
      ['Ziel erreicht', 'Akku ist bereit', 'Der Akku ist so voll wie geplant.'],
      ['Target reached', 'Pack is ready', 'The pack is as full as planned.'],
    ),
    hint(
      'I61',
      ['unknown:hold'],
      true,
      ['Lädt nicht', 'Mechaniker fragen', 'Der Akku lädt nicht. Der Grund steht im Dashboard.'],
      ['Not charging', 'Ask a mechanic', 'The pack is not charging; the dashboard says why.'],
    ),
  ];
}

const byCondition: ReadonlyMap<DockCondition, FaultCodeEntry> = new Map(
  FAULT_CODES.flatMap((e) => e.conditions.map((c) => [c, e] as const)),
);
const byCode: ReadonlyMap<string, FaultCodeEntry> = new Map(FAULT_CODES.map((e) => [e.code, e]));

/** The entry a condition maps to; every condition has exactly one (checked in fault-codes.test.ts). */
export function faultCodeFor(condition: DockCondition): FaultCodeEntry {
  const e = byCondition.get(condition);
  if (!e) throw new Error(`fault-codes: no code for condition ${condition}`);
  return e;
}

/** The entry of a code, or undefined for a code this table does not know (a newer station). */
export function faultCodeEntry(code: string): FaultCodeEntry | undefined {
  return byCode.get(code);
}

/** Fault codes first by urgency (1 first), then by code: the order of the screen and the printed sheet. */
export function compareUrgency(a: FaultCodeEntry, b: FaultCodeEntry): number {
  return a.urgency - b.urgency || a.code.localeCompare(b.code);
}

/** Milliseconds on and off of one LED code cycle, starting with the first flash (for the LED driver's sequence). */
export function ledCodeSequence(led: LedCode, t: typeof LED_CODE_TIMING = LED_CODE_TIMING): number[] {
  const out: number[] = [];
  const [a, b] = led.pulses;
  const group = (n: number, endOff: number) => {
    for (let i = 0; i < n; i++) out.push(t.onMs, i === n - 1 ? endOff : t.offMs);
  };
  group(a, t.gapMs);
  group(b, t.pauseMs);
  return out;
}
