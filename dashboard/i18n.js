// Every user-visible string of the dashboard, German first and English second, and the language switch.
// Mechanics and trainees read German; the English labels are for guests and volunteers. The choice is kept in
// localStorage so a phone remembers it.

import { HEALTH_STRINGS } from './i18n-health.js';
import { RICKSHAW_STRINGS } from './i18n-rickshaws.js';
import { AUDIT_STRINGS } from './i18n-audit.js';
import { RENTAL_STRINGS } from './i18n-rental.js';
import { FLEET_STRINGS } from './i18n-fleet.js';
import { RIDES_STRINGS } from './i18n-rides.js';
import { LOGBOOK_STRINGS } from './i18n-logbook.js';

/** @typedef {'de' | 'en'} Lang */

const STORAGE_KEY = 'rikscha.lang';

/** @type {Record<Lang, Record<string, string>>} */
export const STRINGS = {
  de: {
    'app.title': 'rikscha · Werkstatt',
    'app.loading': 'Lade Daten …',
    'lang.switch': 'English',
    'lang.switchLabel': 'Switch to English',
    'nav.overview': 'Übersicht',
    'nav.back': '‹ Zurück zur Übersicht',
    'banner.offline': 'Keine Verbindung zum Server',
    'banner.lastData': 'Angezeigt werden die Daten von {ago}.',
    'banner.noData': 'Noch keine Daten empfangen.',
    'stations.none': 'Keine Stationen gemeldet.',
    'station.online': 'Online',
    'station.offline': 'Offline',
    'station.lastSeen': 'Zuletzt gemeldet {ago}',
    'station.never': 'noch nie gemeldet',
    'station.missing': '{n} Nachrichten fehlen',
    'station.stale': 'Station offline: Werte können veraltet sein.',
    'dock.title': 'Dock {n}',
    'dock.noBattery': 'Kein Akku eingesetzt',
    'dock.battery': 'Akku {id}',
    'dock.soc': 'Ladestand',
    'dock.voltage': 'Spannung',
    'dock.current': 'Strom',
    'dock.tempMax': 'Temp. max',
    'dock.cellSpread': 'Zellen Δ',
    'dock.charger': 'Ladegerät',
    'dock.chargerOn': 'an',
    'dock.chargerOff': 'aus',
    'dock.chargerOffline': 'keine Verbindung',
    'dock.setpoint': 'Soll\u00a0{value}',
    'dock.reason': 'Grund',
    'dock.doNotDispatch': 'Nicht ausgeben',
    'dock.awaitingAck': 'Ursache behoben: Taste an der Station drücken (oder hier quittieren)',
    'dock.chargerCycles': '{n}× eingeschaltet',
    'alarm.charge-fet-stuck': 'Ladeschalter ließ sich nicht öffnen: Akku abziehen, Mechaniker rufen',
    'dock.protection': 'Schutz aktiv',
    'dock.hot': 'heiß',
    'state.empty': 'Leer',
    'state.idle': 'Wartet',
    'state.charging': 'Lädt',
    'state.balancing': 'Gleicht aus',
    'state.full': 'Voll',
    'state.fault': 'Störung',
    'state.maintenance': 'Wartung',
    'state.unknown': 'Unbekannt',
    'battery.title': 'Akku {id}',
    'battery.notFound': 'Diesen Akku kennt der Server nicht.',
    'battery.where': 'Steckt in {station}, Dock {dock}',
    'battery.health': 'Zustand',
    'battery.socPct': 'Ladestand',
    'battery.sohPct': 'Gesundheit (SoH)',
    'battery.cycles': 'Ladezyklen',
    'battery.cellSpreadMv': 'Zellspreizung',
    'battery.maxTempC': 'Höchste Temperatur',
    'battery.internalResistanceMilliOhm': 'Innenwiderstand',
    'battery.voltageV': 'Spannung',
    'battery.currentA': 'Strom',
    'battery.alerts': 'Warnungen',
    'battery.noAlerts': 'Keine Warnungen',
    'battery.cells': 'Zellspannungen',
    'battery.history': 'Verlauf',
    'battery.noHistory': 'Noch keine Verlaufsdaten.',
    'chart.voltage': 'Spannung',
    'chart.current': 'Strom',
    'chart.soc': 'Ladestand',
    'chart.temp': 'Temperatur',
    'chart.now': 'jetzt',
    'history.rangeLabel': 'Zeitraum des Verlaufs',
    'history.range.1h': 'Letzte Stunde',
    'history.range.24h': '24 h',
    'history.range.7d': '7 Tage',
    'history.range.30d': '30 Tage',
    'history.range.1y': '1 Jahr',
    'history.res.5s': '5-s-Werte',
    'history.res.1m': 'je 1 min',
    'history.res.15m': 'je 15 min',
    'history.res.1h': 'je Stunde',
    'history.res.1d': 'je Tag',
    'history.loading': 'Lade Verlauf …',
    'training.title': 'Training: Fehler simulieren',
    'training.intro': 'Nur im Übungsbetrieb. Die Knöpfe lösen Fehler im Simulator aus.',
    'training.dock': 'Dock {n}',
    'training.active': 'aktiv',
    'training.activeFaults': 'Aktive Fehler',
    'training.none': 'keine',
    'training.clear': 'Alle Fehler löschen',
    'training.ack': 'Quittier-Taste drücken',
    'training.pressed': 'Quittier-Taste gedrückt.',
    'training.sent': 'Fehler „{fault}“ an Dock {dock} ausgelöst.',
    'training.cleared': 'Alle Fehler gelöscht.',
    'training.failed': 'Das hat nicht geklappt: {error}',
    'training.forbidden': 'Nicht erlaubt (Anmeldung nötig).',
    'training.ioBoard': 'Stationsanzeige (simuliert)',
    'training.leds': 'LEDs',
    'training.lcd': 'Bildschirm',
    'session.login': 'Anmelden',
    'session.logout': 'Abmelden',
    'session.as': 'angemeldet als {name}',
    'session.formTitle': 'Anmelden (Mechaniker)',
    'session.user': 'Benutzername',
    'session.password': 'Passwort',
    'session.submit': 'Anmelden',
    'session.busy': 'Melde an …',
    'session.cancel': 'Abbrechen',
    'session.wrong': 'Benutzername oder Passwort falsch.',
    'session.notMechanic': 'Dieses Konto ist kein Mechaniker-Konto und darf keine Befehle senden.',
    'session.unreachable': 'Server nicht erreichbar. Bitte später noch einmal versuchen.',
    'session.failed': 'Anmeldung fehlgeschlagen: {error}',
    'session.logoutFailed': 'Abmelden fehlgeschlagen: {error}',
    'session.expired': 'Die Anmeldung ist abgelaufen. Bitte neu anmelden.',
    'action.group': 'Befehle für Dock {n}',
    'action.stop-charging': 'Laden stoppen',
    'action.resume-charging': 'Laden fortsetzen',
    'action.acknowledge': 'Störung quittieren',
    'action.maintenance-on': 'Wartung an',
    'action.maintenance-off': 'Wartung aus',
    'action.sending': '„{action}“ wird gesendet …',
    'done.stop-charging': 'Laden gestoppt.',
    'done.resume-charging': 'Laden fortgesetzt.',
    'done.acknowledge': 'Störung quittiert.',
    'done.maintenance-on': 'Wartung eingeschaltet.',
    'done.maintenance-off': 'Wartung ausgeschaltet.',
    'cmd.noAnswer': 'Keine Antwort vom Server. Ob der Befehl angekommen ist, ist unklar.',
    'cmd.invalid': 'Ungültige Anfrage: {error}',
    'cmd.forbidden': 'Nicht erlaubt: nur Mechaniker dürfen Befehle senden.',
    'cmd.unknownStation': 'Diese Station kennt der Server nicht.',
    'cmd.offline': 'Station offline: Befehl nicht gesendet.',
    'cmd.refused': 'Die Station lehnt ab: {error}',
    'cmd.timeout': 'Die Station hat nicht rechtzeitig geantwortet.',
    'cmd.failed': 'Das hat nicht geklappt: {error}',
    'fault.unplug': 'Stecker ziehen',
    'fault.garbage': 'Datenmüll',
    'fault.crc-errors': 'Prüfsumme falsch',
    'fault.no-answer': 'Keine Antwort',
    'fault.cell-drift-high': 'Zelle driftet hoch',
    'fault.over-temperature': 'Überhitzung',
    'fault.stuck-relay': 'Relais klebt',
    'fault.ignore-setpoints': 'Ignoriert Sollwerte',
    'fault.swap-battery': 'Akku tauschen',
    // The station's reason for a dock held off by a mechanic's stop-charging.
    'fault.stopped by command': 'Laden per Befehl gestoppt',
    'led.on': 'leuchtet',
    'led.off': 'aus',
    'led.blink': 'blinkt',
    'led.blink-fast': 'blinkt schnell',
    'led.sequence': 'blinkt einen Fehlercode',
    'led.pulse': 'pulsiert',
    'color.green': 'grün',
    'color.red': 'rot',
    'color.yellow': 'gelb',
    'color.blue': 'blau',
    'color.white': 'weiß',
    'color.off': 'aus',
    'time.s': 'vor {n}\u00a0s',
    'time.min': 'vor {n}\u00a0min',
    'time.h': 'vor {n}\u00a0h',
    'time.d': 'vor {n} Tagen',
  },
  en: {
    'app.title': 'rikscha · workshop',
    'app.loading': 'Loading …',
    'lang.switch': 'Deutsch',
    'lang.switchLabel': 'Auf Deutsch umschalten',
    'nav.overview': 'Overview',
    'nav.back': '‹ Back to overview',
    'banner.offline': 'No connection to the server',
    'banner.lastData': 'Showing the data from {ago}.',
    'banner.noData': 'No data received yet.',
    'stations.none': 'No stations have reported.',
    'station.online': 'Online',
    'station.offline': 'Offline',
    'station.lastSeen': 'Last seen {ago}',
    'station.never': 'never seen',
    'station.missing': '{n} messages missing',
    'station.stale': 'Station offline: values may be out of date.',
    'dock.title': 'Dock {n}',
    'dock.noBattery': 'No battery inserted',
    'dock.battery': 'Battery {id}',
    'dock.soc': 'Charge',
    'dock.voltage': 'Voltage',
    'dock.current': 'Current',
    'dock.tempMax': 'Temp. max',
    'dock.cellSpread': 'Cells Δ',
    'dock.charger': 'Charger',
    'dock.chargerOn': 'on',
    'dock.chargerOff': 'off',
    'dock.chargerOffline': 'not connected',
    'dock.setpoint': 'set\u00a0{value}',
    'dock.reason': 'Reason',
    'dock.doNotDispatch': 'Do not dispatch',
    'dock.awaitingAck': 'Cause gone: press the button at the station (or acknowledge here)',
    'dock.chargerCycles': 'switched on {n}×',
    'alarm.charge-fet-stuck': 'The charge switch did not open: unplug the battery, call a mechanic',
    'dock.protection': 'Protection active',
    'dock.hot': 'hot',
    'state.empty': 'Empty',
    'state.idle': 'Idle',
    'state.charging': 'Charging',
    'state.balancing': 'Balancing',
    'state.full': 'Full',
    'state.fault': 'Fault',
    'state.maintenance': 'Maintenance',
    'state.unknown': 'Unknown',
    'battery.title': 'Battery {id}',
    'battery.notFound': 'The server does not know this battery.',
    'battery.where': 'In {station}, dock {dock}',
    'battery.health': 'Condition',
    'battery.socPct': 'State of charge',
    'battery.sohPct': 'State of health',
    'battery.cycles': 'Charge cycles',
    'battery.cellSpreadMv': 'Cell spread',
    'battery.maxTempC': 'Highest temperature',
    'battery.internalResistanceMilliOhm': 'Internal resistance',
    'battery.voltageV': 'Voltage',
    'battery.currentA': 'Current',
    'battery.alerts': 'Alerts',
    'battery.noAlerts': 'No alerts',
    'battery.cells': 'Cell voltages',
    'battery.history': 'History',
    'battery.noHistory': 'No history yet.',
    'chart.voltage': 'Voltage',
    'chart.current': 'Current',
    'chart.soc': 'State of charge',
    'chart.temp': 'Temperature',
    'chart.now': 'now',
    'history.rangeLabel': 'History range',
    'history.range.1h': 'Last hour',
    'history.range.24h': '24 h',
    'history.range.7d': '7 days',
    'history.range.30d': '30 days',
    'history.range.1y': '1 year',
    'history.res.5s': '5-s samples',
    'history.res.1m': 'per 1 min',
    'history.res.15m': 'per 15 min',
    'history.res.1h': 'per hour',
    'history.res.1d': 'per day',
    'history.loading': 'Loading history …',
    'training.title': 'Training: simulate faults',
    'training.intro': 'Training mode only. The buttons inject faults into the simulator.',
    'training.dock': 'Dock {n}',
    'training.active': 'active',
    'training.activeFaults': 'Active faults',
    'training.none': 'none',
    'training.clear': 'Clear all faults',
    'training.ack': 'Press the acknowledge button',
    'training.pressed': 'Acknowledge button pressed.',
    'training.sent': 'Fault "{fault}" injected at dock {dock}.',
    'training.cleared': 'All faults cleared.',
    'training.failed': 'That did not work: {error}',
    'training.forbidden': 'Not allowed (login needed).',
    'training.ioBoard': 'Station display (simulated)',
    'training.leds': 'LEDs',
    'training.lcd': 'Screen',
    'session.login': 'Log in',
    'session.logout': 'Log out',
    'session.as': 'logged in as {name}',
    'session.formTitle': 'Log in (mechanics)',
    'session.user': 'User name',
    'session.password': 'Password',
    'session.submit': 'Log in',
    'session.busy': 'Logging in …',
    'session.cancel': 'Cancel',
    'session.wrong': 'Wrong user name or password.',
    'session.notMechanic': 'This is not a mechanic account; it may not send commands.',
    'session.unreachable': 'Server not reached. Please try again later.',
    'session.failed': 'Login failed: {error}',
    'session.logoutFailed': 'Logout failed: {error}',
    'session.expired': 'Your login has expired. Please log in again.',
    'action.group': 'Commands for dock {n}',
    'action.stop-charging': 'Stop charging',
    'action.resume-charging': 'Resume charging',
    'action.acknowledge': 'Acknowledge fault',
    'action.maintenance-on': 'Maintenance on',
    'action.maintenance-off': 'Maintenance off',
    'action.sending': 'Sending "{action}" …',
    'done.stop-charging': 'Charging stopped.',
    'done.resume-charging': 'Charging resumed.',
    'done.acknowledge': 'Fault acknowledged.',
    'done.maintenance-on': 'Maintenance mode on.',
    'done.maintenance-off': 'Maintenance mode off.',
    'cmd.noAnswer': 'No answer from the server. It is unclear whether the command arrived.',
    'cmd.invalid': 'Invalid request: {error}',
    'cmd.forbidden': 'Not allowed: only mechanics may send commands.',
    'cmd.unknownStation': 'The server does not know this station.',
    'cmd.offline': 'Station offline: command not sent.',
    'cmd.refused': 'The station refused: {error}',
    'cmd.timeout': 'The station did not answer in time.',
    'cmd.failed': 'That did not work: {error}',
    'fault.unplug': 'Unplug',
    'fault.garbage': 'Garbage bytes',
    'fault.crc-errors': 'CRC errors',
    'fault.no-answer': 'No answer',
    'fault.cell-drift-high': 'Cell drifts high',
    'fault.over-temperature': 'Over-temperature',
    'fault.stuck-relay': 'Stuck relay',
    'fault.ignore-setpoints': 'Ignores set-points',
    'fault.swap-battery': 'Swap battery',
    'fault.stopped by command': 'Charging stopped by command',
    'led.on': 'steady',
    'led.off': 'off',
    'led.blink': 'blinking',
    'led.blink-fast': 'blinking fast',
    'led.sequence': 'blinking a fault code',
    'led.pulse': 'pulsing',
    'color.green': 'green',
    'color.red': 'red',
    'color.yellow': 'yellow',
    'color.blue': 'blue',
    'color.white': 'white',
    'color.off': 'off',
    'time.s': '{n}\u00a0s ago',
    'time.min': '{n}\u00a0min ago',
    'time.h': '{n}\u00a0h ago',
    'time.d': '{n} days ago',
  },
};

// The rickshaw pages keep their strings in a file of their own.
Object.assign(STRINGS.de, RICKSHAW_STRINGS.de);
Object.assign(STRINGS.en, RICKSHAW_STRINGS.en);
Object.assign(STRINGS.de, AUDIT_STRINGS.de);
Object.assign(STRINGS.en, AUDIT_STRINGS.en);
// So do the battery list and passport.
Object.assign(STRINGS.de, HEALTH_STRINGS.de);
Object.assign(STRINGS.en, HEALTH_STRINGS.en);
Object.assign(STRINGS.de, RENTAL_STRINGS.de);
Object.assign(STRINGS.en, RENTAL_STRINGS.en);
Object.assign(STRINGS.de, FLEET_STRINGS.de);
Object.assign(STRINGS.en, FLEET_STRINGS.en);
Object.assign(STRINGS.de, RIDES_STRINGS.de);
Object.assign(STRINGS.en, RIDES_STRINGS.en);
Object.assign(STRINGS.de, LOGBOOK_STRINGS.de);
Object.assign(STRINGS.en, LOGBOOK_STRINGS.en);

/** @type {Lang} */
let current = readStoredLang();

/** @returns {Lang} */
function readStoredLang() {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return stored === 'en' ? 'en' : 'de';
  } catch {
    return 'de'; // storage can be blocked (private mode); German is the default
  }
}

/** @returns {Lang} */
export function getLang() {
  return current;
}

/** @param {Lang} lang */
export function setLang(lang) {
  current = lang === 'en' ? 'en' : 'de';
  try {
    window.localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // not stored; the choice still holds for this page
  }
  document.documentElement.lang = current;
}

/** BCP 47 locale for number and date formatting in the current language. */
export function locale() {
  return current === 'en' ? 'en-GB' : 'de-DE';
}

/**
 * Looks a key up in the current language, falling back to German and then to the key itself.
 * @param {string} key
 * @param {Record<string, string | number>} [params] replaces `{name}` placeholders
 */
export function t(key, params) {
  const text = STRINGS[current][key] ?? STRINGS.de[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** @param {string} key */
export function has(key) {
  return key in STRINGS[current] || key in STRINGS.de;
}
