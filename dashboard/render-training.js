// Training panel: only on a server with the simulator (`GET /api/sim` answers 200). Trainers inject faults per dock
// and watch what the station does, including its simulated LEDs and four-line screen.
// Buttons carry data-action attributes; app.js handles the clicks (one listener survives every re-render).
import { h } from './dom.js';
import { has, t } from './i18n.js';

/**
 * @typedef {import('./api.js').SimState} SimState
 * @typedef {import('./api.js').StationView} StationView
 */

/**
 * The CSS colour of each LED colour of the contract (`off` is never drawn lit).
 * @type {Record<SimState['ioBoard']['leds'][number]['colour'], string>}
 */
const LED_COLOURS = {
  off: '#9ca3af',
  green: '#16a34a',
  red: '#dc2626',
  yellow: '#facc15',
  blue: '#2563eb',
  white: '#f8fafc',
};

/**
 * Active faults as "dock:fault" strings.
 * @param {SimState} sim
 * @returns {Set<string>}
 */
export function activeFaults(sim) {
  return new Set(sim.faults.map((f) => `${f.dock}:${f.fault}`));
}

/**
 * Dock numbers to offer: those the simulator has devices on, else what the stations report.
 * @param {SimState} sim
 * @param {StationView[] | null} stations
 * @returns {number[]}
 */
export function simDocks(sim, stations) {
  const docks = new Set(sim.devices.map((d) => d.dock));
  if (docks.size === 0) for (const s of stations ?? []) for (const d of s.docks) docks.add(d.dock);
  return [...docks].sort((a, b) => a - b);
}

/** @param {SimState['ioBoard']['leds'][number]} led */
function renderLed(led) {
  const { id: name, colour, pattern } = led;
  const lit = colour !== 'off' && pattern !== 'off';
  const words = [has(`color.${colour}`) ? t(`color.${colour}`) : colour];
  if (lit) words.push(has(`led.${pattern}`) ? t(`led.${pattern}`) : pattern);
  return h(
    'li',
    { class: 'led-row', 'data-testid': `sim-led-${name}` },
    h('span', {
      class: `led${lit ? ` lit pattern-${pattern}` : ''}`,
      style: lit ? `--led:${LED_COLOURS[colour]}` : undefined,
      'aria-hidden': 'true',
    }),
    h('span', { class: 'led-name' }, name),
    h('span', { class: 'led-state' }, words.join(', ')),
  );
}

/** @param {SimState['ioBoard']} ioBoard */
function renderIoBoard(ioBoard) {
  const { leds, lcd } = ioBoard;
  return h(
    'div',
    { class: 'io-board', 'data-testid': 'sim-io-board' },
    h('h3', null, t('training.ioBoard')),
    h('pre', { class: 'lcd', 'data-testid': 'sim-lcd', 'aria-label': t('training.lcd') }, lcd.join('\n')),
    h('ul', { class: 'leds', 'data-testid': 'sim-leds', 'aria-label': t('training.leds') }, leds.map(renderLed)),
  );
}

/**
 * @param {SimState} sim
 * @param {StationView[] | null} stations
 * @param {{ text: string, ok: boolean } | null} notice result of the last button press
 * @param {string | null} pending the action key being sent, whose button is disabled meanwhile
 */
export function renderTraining(sim, stations, notice, pending) {
  // The simulator says which faults it can inject: the panel offers exactly those, never a copied list.
  const faults = sim.faultNames;
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
        const count = faults.filter((f) => active.has(`${dock}:${f}`)).length;
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
            faults.map((fault) => {
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
