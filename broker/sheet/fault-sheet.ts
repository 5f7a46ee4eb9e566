// The printable A4 sheet to hang next to a station: the dock LED patterns and every fault code with its action, in
// German and English, generated from contract/fault-codes.ts so paper and screen never disagree.

import { compareUrgency, FAULT_CODES, LED_CODE_TIMING, type FaultCodeEntry } from '../../contract/fault-codes.ts';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Dock LED states (station/display/station-display.ts dockLed), for the legend. */
const LED_STATES: ReadonlyArray<[string, string, string]> = [
  ['rot, blinkt den Code', 'red, flashes the code', 'Störung (siehe Tabelle)'],
  ['rot, leuchtet', 'red, steady', 'Akku gesperrt: nicht ausgeben'],
  ['gelb (amber), leuchtet', 'amber, steady', 'Wartung: Lader aus'],
  ['grün, leuchtet', 'green, steady', 'Akku voll'],
  ['grün, blinkt', 'green, blinking', 'Akku lädt'],
  ['grün, pulsiert', 'green, pulsing', 'Akku wartet auf Laden'],
  ['blau', 'blue', 'Zellen werden ausgeglichen'],
  ['weiß, blinkt', 'white, blinking', 'Gefahr: Bildschirm lesen'],
  ['aus', 'off', 'Dock frei'],
];

function blinks(e: FaultCodeEntry): string {
  if (!e.led) return '—';
  const [a, b] = e.led.pulses;
  return `${'●'.repeat(a)} ${'●'.repeat(b)}`;
}

function row(e: FaultCodeEntry): string {
  const de = e.text.de;
  const en = e.text.en;
  return `<tr data-code="${esc(e.code)}"><td class="code">${esc(e.code)}</td><td class="led">${blinks(e)}</td><td><b>${esc(
    de.title,
  )}</b><br>${esc(de.action)}<br><small>${esc(en.title)}: ${esc(en.action)}</small></td><td>${
    e.touchPack ? 'ja / yes' : '<b>nein / no</b>'
  }</td><td>${e.mechanic ? 'ja / yes' : 'nein / no'}</td></tr>`;
}

/** The whole sheet as one self-contained HTML page (no scripts, no external assets). */
export function faultSheetHtml(): string {
  const faults = FAULT_CODES.filter((e) => e.kind === 'fault').sort(compareUrgency);
  const hints = FAULT_CODES.filter((e) => e.kind === 'hint');
  const t = LED_CODE_TIMING;
  return `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Störungs-Codes / Fault codes</title>
<style>
@page { size: A4; margin: 12mm; }
body { font-family: sans-serif; font-size: 10pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 6mm; }
td, th { border: 1px solid #444; padding: 1.5mm; vertical-align: top; text-align: left; }
td.code { font-weight: bold; font-size: 13pt; }
td.led { color: #c00; letter-spacing: 1px; white-space: nowrap; }
</style></head><body>
<h1>Störungs-Codes an der Station / Fault codes at the station</h1>
<p>Die Lampe am Dock blinkt den Code rot: zum Beispiel E12 = 1-mal blinken, Pause, 2-mal blinken, lange Pause.
The dock light flashes the code in red (flash ${t.onMs} ms, gap ${t.gapMs} ms between the digits, pause ${t.pauseMs} ms).
Nach der Reparatur: Taste lang drücken. After the repair: hold the button.</p>
<table><thead><tr><th>Code</th><th>Lampe / Light</th><th>Was tun? / What to do</th><th>Akku anfassen? / Touch pack?</th><th>Mechaniker? / Mechanic?</th></tr></thead>
<tbody>
${faults.map(row).join('\n')}
</tbody></table>
<h2>Lampen / Lights</h2>
<table><tbody>
${LED_STATES.map(([de, en, meaning]) => `<tr><td>${esc(de)}<br><small>${esc(en)}</small></td><td>${esc(meaning)}</td></tr>`).join('\n')}
</tbody></table>
<h2>Hinweise / Hints</h2>
<table><tbody>
${hints.map((e) => `<tr data-code="${esc(e.code)}"><td class="code">${esc(e.code)}</td><td>${esc(e.text.de.title)}: ${esc(e.text.de.action)}<br><small>${esc(e.text.en.title)}: ${esc(e.text.en.action)}</small></td></tr>`).join('\n')}
</tbody></table>
</body></html>
`;
}
