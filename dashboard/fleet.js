// The fleet overview's state and actions: the attention list from the API, which stations are open (kept for the
// session, so "back to the overview" finds them as they were), the search, and the rickshaws a search looks in.
import { getAttention, getRickshaws } from './api.js';
import { fleetSlot, patchFleet } from './render-fleet.js';

/**
 * @typedef {import('../contract/http-api.ts').StationView} StationView
 * @typedef {import('./render-station.js').DockExtra} DockExtra
 */

const OPEN_KEY = 'rikscha.fleet.open';
/** A search looks for rickshaws in a list fetched at most this often (ms): they move between bays slowly. */
const RICKSHAWS_MS = 30_000;

const fleet = {
  /** @type {import('../contract/http-api.ts').AttentionItem[] | null} null until the first answer */
  attention: null,
  attentionFailed: false,
  /** @type {import('../contract/rickshaw-api.ts').RickshawSummary[] | null} */
  rickshaws: null,
  rickshawsAt: 0,
  query: '',
  /** stations the reader opened; and, for a one-station fleet (open by itself), the ones they closed */
  open: readSet(OPEN_KEY),
  /** @type {Set<string>} */
  closed: new Set(),
  /** the fleet has a single station (as last painted): it shows open unless closed */
  only: false,
};

/** @param {string} key @returns {Set<string>} */
function readSet(key) {
  try {
    const list = JSON.parse(window.sessionStorage.getItem(key) ?? '[]');
    return new Set(Array.isArray(list) ? list.filter((x) => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

function saveOpen() {
  try {
    window.sessionStorage.setItem(OPEN_KEY, JSON.stringify([...fleet.open]));
  } catch {
    // not kept; the choice still holds for this page
  }
}

/** @param {string} id @param {boolean} only the fleet has this one station: open unless closed */
function isOpen(id, only) {
  return fleet.open.has(id) || (only && !fleet.closed.has(id));
}

/** Fetches what the overview needs beside the stations: the attention list, and the rickshaws while searching. */
export async function loadFleet() {
  const jobs = [
    getAttention().then(
      (items) => {
        fleet.attention = items;
        fleet.attentionFailed = false;
      },
      () => {
        fleet.attentionFailed = true;
      },
    ),
  ];
  if (fleet.query.trim()) jobs.push(loadRickshaws());
  await Promise.allSettled(jobs);
}

async function loadRickshaws() {
  if (Date.now() - fleet.rickshawsAt < RICKSHAWS_MS) return;
  fleet.rickshawsAt = Date.now();
  fleet.rickshaws = await getRickshaws().catch(() => fleet.rickshaws);
}

/** The placeholder the page renders; `paintFleet` fills it after the page's own patch. */
export { fleetSlot };

/**
 * @param {Element} root the page's root; the fleet slot inside it is filled, if the overview is showing
 * @param {StationView[]} stations
 * @param {DockExtra} [dockExtra]
 */
export function paintFleet(root, stations, dockExtra) {
  const slot = root.querySelector('[data-testid="fleet"][data-managed]');
  if (!slot) return;
  fleet.only = stations.length === 1;
  patchFleet(slot, {
    stations,
    attention: fleet.attention,
    attentionFailed: fleet.attentionFailed,
    rickshaws: fleet.rickshaws,
    query: fleet.query,
    isOpen,
    now: Date.now(),
    dockExtra,
  });
}

/**
 * One delegated listener per event kind: open and close a station line, go to a station from the attention list,
 * search as the reader types.
 * @param {() => void} render
 */
export function installFleetActions(render) {
  document.addEventListener('click', (event) => {
    const target = event.target instanceof window.Element ? event.target.closest('[data-action]') : null;
    const action = target?.getAttribute('data-action');
    const id = target?.getAttribute('data-station');
    if (!id || (action !== 'fleet-toggle' && action !== 'fleet-show')) return;
    if (action === 'fleet-toggle' && isOpen(id, fleet.only)) {
      fleet.open.delete(id);
      fleet.closed.add(id);
    } else {
      fleet.open.add(id);
      fleet.closed.delete(id);
    }
    saveOpen();
    render();
    if (action === 'fleet-show') {
      document
        .querySelector(`[data-testid="station-line-${window.CSS.escape(id)}"]`)
        ?.scrollIntoView({ block: 'start' });
    }
  });
  document.addEventListener('input', (event) => {
    const input = event.target;
    if (!(input instanceof window.HTMLInputElement) || input.id !== 'fleet-search') return;
    fleet.query = input.value;
    render();
    if (fleet.query.trim() && fleet.rickshaws === null) void loadRickshaws().then(render);
  });
}
