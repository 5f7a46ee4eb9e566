// Training panel: only on a server with the simulator (`GET /api/sim` answers 200). Trainers inject faults per dock
// and watch what the station does, including its simulated LEDs and four-line screen.
// Buttons carry data-action attributes; app.js handles the clicks (one listener survives every re-render).
import { h } from './dom.js';
import { has, t } from './i18n.js';

export const FAULTS = [
  'unplug',
  'garbage',
  'crc-errors',
  'no-answer',
  'cell-drift-high',
  'over-temperature',
  'stuck-relay',
  'ignore-setpoints',
  'swap-battery',
];

/** LED colour names the simulator may use, drawn in these CSS colours; anything else is drawn grey. */
const LED_COLOURS = /** @type {Record<string, string>} */ ({
  green: '#16a34a',
  red: '#dc2626',
  yellow: '#facc15',
  amber: '#f59e0b',
  orange: '#f97316',
  blue: '#2563eb',
  white: '#f8fafc',
});

/**
 * Active faults as "dock:fault" strings, from whichever shape the simulator uses: a list of { dock, fault },
 * a map { "2": ["unplug"] }, or per-device `faults` lists.
 * @param {Record<string, any>} sim
 * @returns {Set<string>}
 */
export function activeFaults(sim) {
  const out = new Set();
  const raw = sim.faults ?? sim.activeFaults;
  if (Array.isArray(raw)) {
    for (const f of raw)
      if (f && typeof f === 'object' && 'dock' in f) out.add(`${f.dock}:${f.fault ?? f.name ?? f.type}`);
  } else if (raw && typeof raw === 'object') {
    for (const [dock, list] of Object.entries(raw))
      for (const f of Array.isArray(list) ? list : [list]) out.add(`${dock}:${f}`);
  }
  for (const d of Array.isArray(sim.devices) ? sim.devices : []) {
    if (d && typeof d === 'object' && 'dock' in d && Array.isArray(d.faults)) {
      for (const f of d.faults) out.add(`${d.dock}:${typeof f === 'string' ? f : (f?.fault ?? f?.name)}`);
    }
  }
  return out;
}

/**
 * Dock numbers to offer: what the simulator lists, else what the stations report.
 * @param {Record<string, any>} sim
 * @param {any[] | null} stations
 * @returns {number[]}
 */
export function simDocks(sim, stations) {
  const docks = new Set();
  const add = (/** @type {unknown} */ d) => {
    const n = typeof d === 'object' && d !== null ? Number(/** @type {any} */ (d).dock) : Number(d);
    if (Number.isInteger(n) && n > 0) docks.add(n);
  };
  for (const d of Array.isArray(sim.docks) ? sim.docks : []) add(d);
  for (const d of Array.isArray(sim.devices) ? sim.devices : []) if (d && typeof d === 'object' && 'dock' in d) add(d);
  if (docks.size === 0) for (const s of stations ?? []) for (const d of s.docks ?? []) add(d);
  return [...docks].sort((a, b) => a - b);
}

/** @param {any} led @param {number} i */
function renderLed(led, i) {
  const name = String(led?.name ?? `LED ${i + 1}`);
  const colour = String(led?.color ?? led?.colour ?? 'off');
  const pattern = String(led?.pattern ?? (colour === 'off' ? 'off' : 'solid'));
  const lit = colour !== 'off' && pattern !== 'off';
  const words = [has(`color.${colour}`) ? t(`color.${colour}`) : colour];
  if (lit) words.push(has(`led.${pattern}`) ? t(`led.${pattern}`) : pattern);
  return h(
    'li',
    { class: 'led-row', 'data-testid': `sim-led-${name}` },
    h('span', {
      class: `led${lit ? ` lit pattern-${pattern.replace(/[^a-z-]/gi, '')}` : ''}`,
      style: lit ? `--led:${LED_COLOURS[colour] ?? '#9ca3af'}` : undefined,
      'aria-hidden': 'true',
    }),
    h('span', { class: 'led-name' }, name),
    h('span', { class: 'led-state' }, words.join(', ')),
  );
}

/** @param {any} ioBoard */
function renderIoBoard(ioBoard) {
  if (!ioBoard || typeof ioBoard !== 'object') return null;
  const leds = Array.isArray(ioBoard.leds) ? ioBoard.leds : null;
  const lcd = Array.isArray(ioBoard.lcd) ? ioBoard.lcd.map((/** @type {unknown} */ l) => String(l ?? '')) : null;
  if (!leds && !lcd) return null;
  return h(
    'div',
    { class: 'io-board', 'data-testid': 'sim-io-board' },
    h('h3', null, t('training.ioBoard')),
    lcd && h('pre', { class: 'lcd', 'data-testid': 'sim-lcd', 'aria-label': t('training.lcd') }, lcd.join('\n')),
    leds &&
      h('ul', { class: 'leds', 'data-testid': 'sim-leds', 'aria-label': t('training.leds') }, leds.map(renderLed)),
  );
}

/**
 * @param {Record<string, any>} sim
 * @param {any[] | null} stations
 * @param {{ text: string, ok: boolean } | null} notice result of the last button press
 * @param {string | null} pending the action key being sent, whose button is disabled meanwhile
 */
export function renderTraining(sim, stations, notice, pending) {
  const active = activeFaults(sim);
  const docks = simDocks(sim, stations);
  const activeText = [...active].sort().map((k) => {
    const [dock, fault] = k.split(':');
    return `${t('training.dock', { n: dock ?? '?' })}: ${has(`fault.${fault}`) ? t(`fault.${fault}`) : fault}`;
  });
  return h(
    'section',
    { class: 'card training', 'data-testid': 'training-panel', 'aria-labelledby': 'training-title' },
    h('h2', { id: 'training-title' }, t('training.title')),
    h('p', { class: 'muted' }, t('training.intro')),
    renderIoBoard(sim.ioBoard),
    h(
      'p',
      { class: 'active-faults', 'data-testid': 'sim-active' },
      `${t('training.activeFaults')}: `,
      activeText.length ? activeText.join(' · ') : t('training.none'),
    ),
    h(
      'div',
      { class: 'sim-docks' },
      docks.map((dock) => {
        const count = FAULTS.filter((f) => active.has(`${dock}:${f}`)).length;
        return h(
          'details',
          { class: 'sim-dock', 'data-testid': `sim-dock-${dock}` },
          h(
            'summary',
            null,
            t('training.dock', { n: dock }),
            count > 0 && h('span', { class: 'count' }, ` · ${count} ${t('training.active')}`),
          ),
          h(
            'div',
            { class: 'fault-grid' },
            FAULTS.map((fault) => {
              const on = active.has(`${dock}:${fault}`);
              return h(
                'button',
                {
                  type: 'button',
                  class: `fault-button${on ? ' on' : ''}`,
                  'data-action': 'sim-fault',
                  'data-dock': dock,
                  'data-fault': fault,
                  'data-testid': `sim-fault-${dock}-${fault}`,
                  'aria-pressed': on ? 'true' : 'false',
                  title: fault,
                  disabled: pending === `sim-fault:${dock}:${fault}`,
                },
                t(`fault.${fault}`),
              );
            }),
          ),
        );
      }),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'button',
        'data-action': 'sim-ack',
        'data-testid': 'sim-ack',
        disabled: pending === 'sim-ack',
      },
      t('training.ack'),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'button danger',
        'data-action': 'sim-clear',
        'data-testid': 'sim-clear',
        disabled: pending === 'sim-clear',
      },
      t('training.clear'),
    ),
    notice &&
      h(
        'p',
        { class: `notice ${notice.ok ? 'ok' : 'bad'}`, role: 'status', 'data-testid': 'training-notice' },
        notice.text,
      ),
  );
}
