// The procedures every station ships with when its config names none: swap a pack, clean contacts, check a connector,
// check the brakes of a docked rickshaw. Plain language (Leichte Sprache): one statement per line, no abbreviations.
// procedure-config.test.ts checks them against the schema (every line fits the 20x4 screen).

import type { z } from 'zod';
import type { procedureSchema } from './procedure-config.ts';

type ProcedureInput = z.input<typeof procedureSchema>;

/** The dock's charger goes off first, and the trainee waits until the station has seen it off. */
const CHARGER_OFF: ProcedureInput['steps'][number] = {
  id: 'charger-off',
  text: { de: ['Der Lader geht aus.', 'Bitte warten.'], en: ['The charger goes', 'off. Please wait.'] },
  waitFor: 'charger-off',
};

export const DEFAULT_PROCEDURES: ProcedureInput[] = [
  {
    id: 'swap-pack',
    title: { de: 'Akku tauschen', en: 'Swap a pack' },
    target: 'dock',
    steps: [
      CHARGER_OFF,
      {
        id: 'pack-out',
        text: { de: ['Stecker abziehen.', 'Akku herausnehmen.'], en: ['Unplug the pack.', 'Take the pack out.'] },
        waitFor: 'dock-empty',
      },
      {
        id: 'pack-in',
        text: { de: ['Den neuen Akku', 'einsetzen.'], en: ['Put the new pack in.'] },
        waitFor: 'pack-inserted',
      },
      {
        id: 'plug-firm',
        text: { de: ['Stecker fest', 'andrücken.'], en: ['Push the plug', 'firmly home.'] },
      },
    ],
  },
  {
    id: 'clean-contacts',
    title: { de: 'Kontakte putzen', en: 'Clean contacts' },
    target: 'dock',
    steps: [
      CHARGER_OFF,
      {
        id: 'pack-out',
        text: { de: ['Akku herausnehmen.'], en: ['Take the pack out.'] },
        waitFor: 'dock-empty',
      },
      {
        id: 'look',
        text: { de: ['Kontakte ansehen.', 'Sind sie schwarz?'], en: ['Look at the', 'contacts. Black?'] },
      },
      {
        id: 'clean',
        text: { de: ['Kontakte mit Tuch', 'und Spray putzen.'], en: ['Clean the contacts', 'with cloth, spray.'] },
      },
      {
        id: 'pack-in',
        text: { de: ['Akku wieder', 'einsetzen.'], en: ['Put the pack', 'back in.'] },
        waitFor: 'pack-inserted',
      },
    ],
  },
  {
    id: 'check-connector',
    title: { de: 'Stecker prüfen', en: 'Check a connector' },
    target: 'dock',
    steps: [
      CHARGER_OFF,
      {
        id: 'unplug',
        text: { de: ['Akku-Stecker', 'abziehen.'], en: ["Unplug the pack's", 'connector.'] },
        waitFor: 'dock-empty',
      },
      {
        id: 'look',
        text: { de: ['Stecker ansehen.', 'Ist er braun?'], en: ['Look at the plug.', 'Is it brown?'] },
      },
      {
        id: 'brown',
        text: { de: ['Ist er braun:', 'Mechaniker rufen.'], en: ['If it is brown:', 'call a mechanic.'] },
      },
      {
        id: 'plug-in',
        text: { de: ['Stecker fest', 'einstecken.'], en: ['Plug it in', 'firmly.'] },
        waitFor: 'pack-inserted',
      },
    ],
  },
  {
    id: 'check-brakes',
    title: { de: 'Bremsen prüfen', en: 'Check the brakes' },
    target: 'bay',
    maintenance: false,
    steps: [
      {
        id: 'in-bay',
        text: { de: ['Rikscha auf den', 'Platz schieben.'], en: ['Push the rickshaw', 'into the bay.'] },
        waitFor: 'rickshaw-in-bay',
      },
      {
        id: 'front',
        text: { de: ['Bremse vorne', 'ziehen und halten.'], en: ['Pull the front', 'brake and hold.'] },
      },
      {
        id: 'push',
        text: { de: ['Schieben: das Rad', 'darf nicht drehen.'], en: ['Push: the wheel', 'must not turn.'] },
      },
      {
        id: 'back',
        text: { de: ['Bremse hinten', 'genauso prüfen.'], en: ['Check the back', 'brake the same way.'] },
      },
      {
        id: 'weak',
        text: { de: ['Bremst es schlecht:', 'Mechaniker rufen.'], en: ['Weak brakes:', 'call a mechanic.'] },
      },
    ],
  },
];
