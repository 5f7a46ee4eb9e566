// Number, unit and time formatting in the reader's language (German uses a decimal comma: "54,2 V").
import { locale, t } from './i18n.js';

export const DASH = '—';

/** @param {unknown} v @returns {v is number} */
export function isNum(v) {
  return typeof v === 'number' && Number.isFinite(v);
}

/** @type {Map<string, Intl.NumberFormat>} */
const formatters = new Map();

/**
 * One formatter per language and decimals: building an Intl.NumberFormat costs far more than using one, and a list
 * of 1,000 packs formats 4,000 numbers.
 * @param {number} digits
 */
function formatter(digits) {
  const key = `${locale()}:${digits}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(key, f);
  }
  return f;
}

/**
 * Formats a number with a fixed count of decimals and a unit, or "—" when the value is missing.
 * @param {unknown} value
 * @param {string} unit
 * @param {number} [digits]
 */
export function num(value, unit, digits = 1) {
  if (!isNum(value)) return DASH;
  const text = formatter(digits).format(value);
  return unit ? `${text}\u00a0${unit}` : text;
}

/** @param {unknown} value */
export function pct(value) {
  return num(value, '%', 0);
}

/**
 * "vor 3 s" / "3 s ago" for an epoch-ms time. Clock skew between phone and server can make the age negative;
 * that is shown as 0 s.
 * @param {unknown} epochMs
 * @param {number} [now]
 */
export function ago(epochMs, now = Date.now()) {
  if (!isNum(epochMs) || epochMs <= 0) return DASH;
  const s = Math.max(0, Math.round((now - epochMs) / 1000));
  if (s < 120) return t('time.s', { n: s });
  const min = Math.round(s / 60);
  if (min < 120) return t('time.min', { n: min });
  const hours = Math.round(min / 60);
  if (hours < 48) return t('time.h', { n: hours });
  return t('time.d', { n: Math.round(hours / 24) });
}

/** @param {number} epochMs */
export function clock(epochMs) {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(new Date(epochMs));
}

/**
 * A chart's axis time: the time of day for spans up to a day, else the date (a time of day alone would be ambiguous).
 * @param {number} epochMs
 * @param {number} spanMs
 */
export function axisTime(epochMs, spanMs) {
  if (spanMs <= 24 * 3_600_000) return clock(epochMs);
  return new Intl.DateTimeFormat(locale(), { day: '2-digit', month: '2-digit' }).format(new Date(epochMs));
}

/** @param {unknown} list @returns {number | null} */
export function maxOf(list) {
  const nums = Array.isArray(list) ? list.filter(isNum) : [];
  return nums.length ? Math.max(...nums) : null;
}

/** Difference between the highest and lowest cell, in millivolts. @param {unknown} cellsV */
export function spreadMv(cellsV) {
  const nums = Array.isArray(cellsV) ? cellsV.filter(isNum) : [];
  return nums.length >= 2 ? (Math.max(...nums) - Math.min(...nums)) * 1000 : null;
}
