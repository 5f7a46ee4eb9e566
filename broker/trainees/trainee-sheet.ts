// A trainee's record for the certificate: CSV (one line per run) and a printable A4 page (the tasks done per
// procedure and per week). The name appears only on the page a logged-in staff member prints; elsewhere the number.

import type { LogbookEntry, TraineeRecord } from '../../contract/logbook.ts';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A CSV field: quoted when it holds a separator, a quote or a line break; a leading = + - @ is defused for spreadsheets. */
function field(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const CSV_HEADER = [
  'trainee',
  'procedure',
  'title',
  'outcome',
  'reason',
  'started',
  'ended',
  'steps_done',
  'steps',
  'station',
  'dock',
  'bay',
  'assigned_by',
  'run',
];

/** Every run of the record as CSV (RFC 4180, CRLF), oldest first. */
export function logbookCsv(entries: readonly LogbookEntry[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const e of entries)
    lines.push(
      [
        e.trainee,
        e.procedureId,
        e.title,
        e.outcome,
        e.reason,
        iso(e.startedAt),
        iso(e.endedAt),
        e.stepsDone,
        e.steps,
        e.stationId,
        e.dock,
        e.bay,
        e.assignedBy,
        e.runId,
      ]
        .map(field)
        .join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}

const day = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().slice(0, 10));

/** The printable page: who (the name only when given, i.e. for staff), then tasks and weeks. */
export function traineeSheetHtml(r: TraineeRecord, name: string | null): string {
  const titles = new Map(r.entries.flatMap((e) => (e.title ? [[e.procedureId, e.title] as const] : [])));
  const who = name ? `${esc(name)} (Nr. ${r.trainee})` : `Teilnehmer/in Nr. ${r.trainee}`;
  const tasks = r.tasks
    .map(
      (t) =>
        `<tr data-procedure="${esc(t.procedureId)}"><td>${esc(titles.get(t.procedureId) ?? t.procedureId)}</td><td>${t.done}</td><td>${day(
          t.firstDoneAt,
        )}</td><td>${day(t.lastDoneAt)}</td></tr>`,
    )
    .join('\n');
  const weeks = r.weeks.map((w) => `<tr><td>${esc(w.week)}</td><td>${w.done}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Nachweis / Record ${r.trainee}</title>
<style>
@page { size: A4; margin: 15mm; }
body { font-family: sans-serif; font-size: 11pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 6mm; }
td, th { border: 1px solid #444; padding: 1.5mm; text-align: left; }
.sign { margin-top: 20mm; display: flex; gap: 20mm; } .sign div { border-top: 1px solid #000; flex: 1; padding-top: 1mm; }
</style></head><body>
<h1>Nachweis der Wartungsaufgaben / Record of maintenance tasks</h1>
<p><b>${who}</b><br>Zeitraum / Period: ${day(r.firstAt)} – ${day(r.lastAt)} · Wochen mit Aufgaben / weeks active: ${r.weeksActive}
· Aufgaben erledigt / tasks done: ${r.done}</p>
<h2>Aufgaben / Tasks</h2>
<table><thead><tr><th>Aufgabe / Task</th><th>Erledigt / Done</th><th>Zuerst / First</th><th>Zuletzt / Last</th></tr></thead>
<tbody>
${tasks}
</tbody></table>
<h2>Wochen / Weeks</h2>
<table><thead><tr><th>Woche / Week</th><th>Erledigt / Done</th></tr></thead><tbody>
${weeks}
</tbody></table>
<div class="sign"><div>Ort, Datum / Place, date</div><div>Unterschrift Anleitung / Signature</div></div>
</body></html>
`;
}
