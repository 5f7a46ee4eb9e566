// The words of the station screen per language: German by default, English shipped, any other language added by the
// station config (display.languages). Fault-code titles and actions come from contract/fault-codes.ts, so only the
// screen's own words live here. Every string fits one 20-column line; check-config refuses one that does not.

import { z } from 'zod';
import { FAULT_CODE, faultCodeEntry, TOUCH_TEXT, type FaultCodeEntry } from '../../contract/fault-codes.ts';
import type { DockState } from '../../contract/messages.ts';
import { encodeLcdText } from '../../firmware-bridge/io-board/hd44780-charset.ts';

/** Lines in Leichte Sprache: one statement per line, no abbreviations a newcomer cannot read. */
const GERMAN = {
  fault: 'STÖRUNG',
  touchYes: TOUCH_TEXT.de.yes,
  touchNo: TOUCH_TEXT.de.no,
  causeGone: 'Ursache behoben.',
  holdToAck: 'Taste lang drücken',
  ackRefused: 'Noch nicht quittiert',
  causeStill: 'Ursache ist noch da',
  acknowledged: 'Quittiert',
  maintenance: 'WARTUNG',
  maintenanceOn: 'Wartung an',
  maintenanceOff: 'Wartung aus',
  chargerOff: 'Lader ist aus',
  menu: 'MENÜ',
  menuProcedure: 'Aufgabe starten',
  menuMaintenance: 'Wartung an/aus',
  menuBack: 'Zurück',
  stepHint: 'Kurz: weiter',
  holdHint: 'Lang: auswählen',
  pickDock: 'Welches Dock?',
  pickTrainee: 'Deine Nummer?',
  noTrainee: 'Ohne Nummer',
  pickProcedure: 'Welche Aufgabe?',
  step: 'Schritt',
  holdWhenDone: 'Fertig: Taste lang',
  waiting: 'Warten ...',
  done: 'Aufgabe fertig.',
  thanks: 'Danke!',
  stopped: 'Aufgabe gestoppt.',
  faultStops: 'Störung am Dock.',
  stateEmpty: 'frei',
  stateIdle: 'wartet',
  stateCharging: 'lädt',
  stateBalancing: 'Ausgleich',
  stateFull: 'voll',
  stateFault: 'STÖRUNG',
  stateMaintenance: 'Wartung',
  stateBlocked: 'GESPERRT',
  conditionDockEmpty: 'Dock ist leer',
  conditionPackInserted: 'Akku steckt',
  conditionChargerOff: 'Lader ist aus',
  // Words of the guided procedures added later: a configured language may leave them out (they show in English).
  tasks: 'AUFGABEN',
  pickBay: 'Welche Rikscha?',
  abortAsk: 'Aufgabe abbrechen?',
  abortHint: 'Lang: abbrechen',
  backHint: 'Kurz: zurück',
  conditionRickshawIn: 'Rikscha steht da',
  chargerStaysOff: 'Lader bleibt aus.',
  rickshawLeft: 'Rikscha ist weg.',
  timedOut: 'Zu lange gewartet.',
  dangerStops: 'Gefahr: Aufgabe aus.',
  // Check-out at the station (station/panel/checkout-prompt.ts).
  ride: 'Fahrt',
  packTaken: 'Akku raus',
  holdToConfirm: 'Lang: bestätigen',
  checkoutConfirmed: 'Ausgabe bestätigt',
  attention: 'ACHTUNG',
  notReserved: 'nicht reserviert!',
  reservedFor: 'reserviert für',
  putBack: 'Bitte zurückstecken',
  packBack: 'Akku wieder drin',
};
export type ScreenWord = keyof typeof GERMAN;

/** Words a language added by config may leave out: they show in English (they came after the first languages). */
export const OPTIONAL_WORDS: ReadonlySet<ScreenWord> = new Set<ScreenWord>([
  'tasks',
  'pickBay',
  'abortAsk',
  'abortHint',
  'backHint',
  'conditionRickshawIn',
  'chargerStaysOff',
  'rickshawLeft',
  'timedOut',
  'dangerStops',
  'ride',
  'packTaken',
  'holdToConfirm',
  'checkoutConfirmed',
  'attention',
  'notReserved',
  'reservedFor',
  'putBack',
  'packBack',
]);

const ENGLISH: Record<ScreenWord, string> = {
  fault: 'FAULT',
  touchYes: TOUCH_TEXT.en.yes,
  touchNo: TOUCH_TEXT.en.no,
  causeGone: 'The cause is gone.',
  holdToAck: 'Hold the button',
  ackRefused: 'Not acknowledged',
  causeStill: 'Cause still there',
  acknowledged: 'Acknowledged',
  maintenance: 'MAINTENANCE',
  maintenanceOn: 'Maintenance on',
  maintenanceOff: 'Maintenance off',
  chargerOff: 'Charger is off',
  menu: 'MENU',
  menuProcedure: 'Start a task',
  menuMaintenance: 'Maintenance on/off',
  menuBack: 'Back',
  stepHint: 'Short: next',
  holdHint: 'Long: choose',
  pickDock: 'Which dock?',
  pickTrainee: 'Your number?',
  noTrainee: 'No number',
  pickProcedure: 'Which task?',
  step: 'Step',
  holdWhenDone: 'Done: hold button',
  waiting: 'Waiting ...',
  done: 'Task done.',
  thanks: 'Thank you!',
  stopped: 'Task stopped.',
  faultStops: 'Fault at the dock.',
  stateEmpty: 'free',
  stateIdle: 'waiting',
  stateCharging: 'charging',
  stateBalancing: 'balancing',
  stateFull: 'full',
  stateFault: 'FAULT',
  stateMaintenance: 'service',
  stateBlocked: 'BLOCKED',
  conditionDockEmpty: 'Dock is empty',
  conditionPackInserted: 'Pack is in',
  conditionChargerOff: 'Charger is off',
  tasks: 'TASKS',
  pickBay: 'Which rickshaw?',
  abortAsk: 'Stop the task?',
  abortHint: 'Long: stop',
  backHint: 'Short: back',
  conditionRickshawIn: 'Rickshaw is here',
  chargerStaysOff: 'Charger stays off.',
  rickshawLeft: 'Rickshaw has left.',
  timedOut: 'Waited too long.',
  dangerStops: 'Danger: task off.',
  ride: 'Ride',
  packTaken: 'pack out',
  holdToConfirm: 'Long: confirm',
  checkoutConfirmed: 'Check-out confirmed',
  attention: 'ATTENTION',
  notReserved: 'not reserved!',
  reservedFor: 'reserved for',
  putBack: 'Please put it back',
  packBack: 'Pack is back in',
};

/** The word of each dock state in the overview lines. */
export const STATE_WORD_KEY: Record<DockState, ScreenWord> = {
  empty: 'stateEmpty',
  idle: 'stateIdle',
  charging: 'stateCharging',
  balancing: 'stateBalancing',
  full: 'stateFull',
  fault: 'stateFault',
  maintenance: 'stateMaintenance',
};

export const SCREEN_WORD_KEYS = Object.keys(GERMAN) as ScreenWord[];

/** One screen line: at most 20 glyphs as the HD44780 shows it in the ascii charset (the wider of the two). */
export const screenLine = (max = 20) =>
  z
    .string()
    .min(1)
    .refine((s) => encodeLcdText(s, 'ascii').length <= max, {
      message: `longer than ${max} characters on the 20x4 screen`,
    });

const codeTextSchema = z.strictObject({
  title: screenLine(16).describe('after "E12 " on one line: at most 16 characters'),
  action: screenLine(20),
});

/** A language the config adds: every screen word, and optionally fault-code texts (missing ones fall back to English). */
export const extraLanguageSchema = z.strictObject({
  words: z.strictObject(
    Object.fromEntries(
      SCREEN_WORD_KEYS.map((k) => [k, OPTIONAL_WORDS.has(k) ? screenLine().optional() : screenLine()]),
    ) as unknown as Record<ScreenWord, z.ZodType<string | undefined>>,
  ),
  codes: z
    .record(z.string().regex(FAULT_CODE, 'fault code like E12'), codeTextSchema)
    .default({})
    .describe('title and action per fault code; a code left out shows in English'),
});

export const displayConfigSchema = z
  .strictObject({
    language: z
      .string()
      .regex(/^[a-z]{2,3}$/, 'language code like de, en, tr')
      .default('de')
      .describe('screen language: de (default), en, or one defined under languages'),
    languages: z
      .record(z.string().regex(/^[a-z]{2,3}$/, 'language code like tr'), extraLanguageSchema)
      .default({})
      .describe('further screen languages: every word, and fault-code texts'),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.language !== 'de' && cfg.language !== 'en' && !Object.hasOwn(cfg.languages, cfg.language))
      ctx.addIssue({
        code: 'custom',
        path: ['language'],
        message: `"${cfg.language}" is neither de, en nor defined under languages`,
      });
    for (const [lang, def] of Object.entries(cfg.languages))
      for (const code of Object.keys(def.codes))
        if (!faultCodeEntry(code))
          ctx.addIssue({ code: 'custom', path: ['languages', lang, 'codes', code], message: `unknown fault code` });
  });
export type DisplayConfig = z.infer<typeof displayConfigSchema>;

/** What the screen code needs of a language: its words and the text of a fault code. */
export interface ScreenLanguage {
  readonly id: string;
  word(key: ScreenWord): string;
  code(entry: FaultCodeEntry): { title: string; action: string };
}

export function screenLanguage(cfg?: Pick<DisplayConfig, 'language' | 'languages'>): ScreenLanguage {
  const id = cfg?.language ?? 'de';
  if (id === 'de' || id === 'en') {
    const words = id === 'de' ? GERMAN : ENGLISH;
    return { id, word: (k) => words[k], code: (e) => e.text[id] };
  }
  const extra = cfg?.languages[id];
  if (!extra) throw new Error(`display language ${id} is not defined`);
  return { id, word: (k) => extra.words[k] ?? ENGLISH[k], code: (e) => extra.codes[e.code] ?? e.text.en };
}

export const GERMAN_SCREEN = screenLanguage();
