// Every user-visible string of the dashboard, German first and English second, and the language switch.
// Mechanics and trainees read German; the English labels are for guests and volunteers. The choice is kept in
// localStorage so a phone remembers it.

/** @typedef {'de' | 'en'} Lang */

const STORAGE_KEY = 'rikscha.lang';

/** @type {Record<Lang, Record<string, string>>} */
const STRINGS = {
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
    'fault.unplug': 'Stecker ziehen',
    'fault.garbage': 'Datenmüll',
    'fault.crc-errors': 'Prüfsumme falsch',
    'fault.no-answer': 'Keine Antwort',
    'fault.cell-drift-high': 'Zelle driftet hoch',
    'fault.over-temperature': 'Überhitzung',
    'fault.stuck-relay': 'Relais klebt',
    'fault.ignore-setpoints': 'Ignoriert Sollwerte',
    'fault.swap-battery': 'Akku tauschen',
    'led.on': 'an',
    'led.off': 'aus',
    'led.solid': 'leuchtet',
    'led.blink': 'blinkt',
    'led.fast-blink': 'blinkt schnell',
    'led.slow-blink': 'blinkt langsam',
    'led.pulse': 'pulsiert',
    'color.green': 'grün',
    'color.red': 'rot',
    'color.yellow': 'gelb',
    'color.amber': 'orange',
    'color.orange': 'orange',
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
    'fault.unplug': 'Unplug',
    'fault.garbage': 'Garbage bytes',
    'fault.crc-errors': 'CRC errors',
    'fault.no-answer': 'No answer',
    'fault.cell-drift-high': 'Cell drifts high',
    'fault.over-temperature': 'Over-temperature',
    'fault.stuck-relay': 'Stuck relay',
    'fault.ignore-setpoints': 'Ignores set-points',
    'fault.swap-battery': 'Swap battery',
    'led.on': 'on',
    'led.off': 'off',
    'led.solid': 'steady',
    'led.blink': 'blinking',
    'led.fast-blink': 'blinking fast',
    'led.slow-blink': 'blinking slowly',
    'led.pulse': 'pulsing',
    'color.green': 'green',
    'color.red': 'red',
    'color.yellow': 'yellow',
    'color.amber': 'amber',
    'color.orange': 'orange',
    'color.blue': 'blue',
    'color.white': 'white',
    'color.off': 'off',
    'time.s': '{n}\u00a0s ago',
    'time.min': '{n}\u00a0min ago',
    'time.h': '{n}\u00a0h ago',
    'time.d': '{n} days ago',
  },
};

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
