// The fault code table (GET /api/fault-codes, from contract/fault-codes.ts), fetched once: a dock's fault or hint is
// named by its `code` in the reader's language (title, next action, explanation), never by the station's English
// reason text, which stays beside it for searching.
import { getLang } from './i18n.js';

/** @typedef {import('./api.js').FaultCodeEntry} FaultCodeEntry */

/** @type {Map<string, FaultCodeEntry>} */
const table = new Map();

/** @param {FaultCodeEntry[]} items */
export function setFaultCodes(items) {
  table.clear();
  for (const entry of items) table.set(entry.code, entry);
}

/** True once the table has arrived (it is asked for again until then). */
export function faultCodesKnown() {
  return table.size > 0;
}

/**
 * The code's texts in the current language, or null for a code the table does not have (yet).
 * @param {string | undefined} code
 * @returns {{ code: string, title: string, action: string, explain: string } | null}
 */
export function codeText(code) {
  const entry = code === undefined ? undefined : table.get(code);
  if (!entry) return null;
  return { code: entry.code, ...entry.text[getLang()] };
}
