// A battery or health alert in the page's language, worded by its origin, code and figure: the API's English
// message is shown only for a code the page has no words for yet.
import { num } from './format.js';
import { has, t } from './i18n.js';

/** @typedef {import('../contract/http-api.ts').BatteryAlert} BatteryAlert */

/**
 * A health alert's figure with its unit: percent for state of health and resistance rise, mV for drift, days
 * missing, minutes silent, a plain count of hot charges.
 * @param {string | null} code
 * @param {number | null} value
 */
export function alertValue(code, value) {
  if (value === null) return '—';
  if (code === 'soh-replace' || code === 'soh-retire' || code === 'resistance-rise') return num(value, '%', 1);
  if (code === 'cell-drift') return num(value, 'mV', 0);
  if (code === 'missing') return t('unit.days', { n: num(value, '', 1) });
  if (code === 'no-data') return t('unit.minutes', { n: num(value, '', 0) });
  return num(value, '', 0);
}

/**
 * A health alert (broker/health) with its action.
 * @param {string | null} code
 * @param {number | null} value
 * @param {string} message the API's English words, for a code this page does not know
 */
export function healthAlertText(code, value, message) {
  return has(`alert.${code}`) ? t(`alert.${code}`, { value: alertValue(code, value) }) : message;
}

/**
 * A health alert that cleared: which one, and its figure now.
 * @param {string} code
 * @param {number | null} value
 * @param {string} recovery the API's English words, for a code this page does not know
 */
export function clearedAlertText(code, value, recovery) {
  return has(`alert.name.${code}`)
    ? t('alert.cleared', { what: t(`alert.name.${code}`), value: alertValue(code, value) })
    : recovery;
}

/** @param {BatteryAlert} a one alert of a battery in GET /api/batteries[/<id>] */
export function batteryAlertText(a) {
  if (a.origin === 'health') return healthAlertText(a.code, a.value, a.message);
  if (a.origin === 'conflict') return t('balert.claimed-twice');
  if (a.code === 'cell-imbalance') return t('balert.cell-imbalance', { value: num(a.value, 'mV', 0) });
  if (a.code === 'over-temperature') return t('balert.hot', { value: num(a.value, '°C', 1) });
  if (a.code.startsWith('protection:')) return t('attn.protection', { flag: a.code.slice('protection:'.length) });
  return a.message;
}
