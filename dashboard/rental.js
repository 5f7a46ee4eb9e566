// The rental desk page's state and actions (`#/rental`, staff only): the chosen day and station, loading the day's
// bookings, the pick lists and the open problem reports on every poll, and the desk's forms. render-rental.js draws it.
import { ApiError, getBookings, getProblems, getRentalOverview, rentalPost } from './api.js';
import { has, t } from './i18n.js';

/** @typedef {import('./api.js').BookingView} BookingView */
/** @typedef {import('./api.js').RentalOverview} RentalOverview */
/** @typedef {import('./api.js').Problem} Problem */

const DAY_MS = 86_400_000;

/** @param {Date} d a local date as YYYY-MM-DD */
export function dayString(d) {
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export const rental = {
  day: dayString(new Date()),
  /** '' for every station */
  station: '',
  /** @type {BookingView[] | null} */
  bookings: null,
  /** @type {RentalOverview | null} */
  overview: null,
  /** @type {Problem[] | null} */
  problems: null,
  /** @type {string | null} */
  error: null,
  /** @type {string | null} the action under way (its buttons are disabled) */
  pending: null,
  /** @type {{ text: string, ok: boolean } | null} */
  outcome: null,
};

/** @param {string} hash */
export function isRentalRoute(hash) {
  return /^#\/rental\/?$/.test(hash);
}

/** Local midnight of the chosen day, epoch ms. */
export function dayStart() {
  const d = new Date(`${rental.day}T00:00`);
  return Number.isNaN(d.getTime()) ? Date.now() - (Date.now() % DAY_MS) : d.getTime();
}

/** @param {() => void} unauthorized */
export async function loadRental(unauthorized) {
  try {
    const from = dayStart();
    const [bookings, overview, problems] = await Promise.all([
      getBookings(from, from + DAY_MS),
      getRentalOverview(),
      getProblems(),
    ]);
    rental.bookings = bookings;
    rental.overview = overview;
    rental.problems = problems;
    rental.error = null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      unauthorized();
      return;
    }
    rental.error = err instanceof Error ? err.message : String(err);
  }
}

/** The desk's words for a refusal: by its code where the dashboard knows it, with the server's detail. @param {unknown} err */
function refusal(err) {
  if (err instanceof ApiError) {
    const key = `rental.refused.${err.code ?? ''}`;
    const detail = err.detail ?? err.message;
    return err.code && has(key) ? `${t(key)} (${detail})` : detail;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs one desk action, shows its outcome at the top of the page and reloads.
 * @param {string} key
 * @param {string} path
 * @param {unknown} body
 * @param {string} okText
 * @param {{ render: () => void, reload: () => void, unauthorized: () => void }} hooks
 */
async function run(key, path, body, okText, hooks) {
  if (rental.pending) return;
  rental.pending = key;
  rental.outcome = null;
  hooks.render();
  try {
    await rentalPost(path, body);
    rental.outcome = { text: okText, ok: true };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) hooks.unauthorized();
    rental.outcome = { text: t('rental.failed', { error: refusal(err) }), ok: false };
  } finally {
    rental.pending = null;
  }
  hooks.render();
  hooks.reload();
}

/** @param {FormData} data @param {string} name */
const field = (data, name) => String(data.get(name) ?? '').trim();
/** @param {string} local a datetime-local value */
const epoch = (local) => new Date(local).getTime();

/**
 * The forms and buttons of the page (one delegated listener each; they are rebuilt on every render).
 * @param {{ render: () => void, reload: () => void, unauthorized: () => void }} hooks
 */
export function installRentalActions(hooks) {
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof window.HTMLFormElement)) return;
    const kind = form.getAttribute('data-form');
    if (!kind?.startsWith('rental-')) return;
    event.preventDefault();
    const data = new window.FormData(form);
    const id = form.getAttribute('data-id') ?? '';
    if (kind === 'rental-book') {
      const body = {
        rickshawId: field(data, 'rickshawId'),
        stationId: field(data, 'stationId'),
        pickupAt: epoch(field(data, 'pickupAt')),
        returnAt: epoch(field(data, 'returnAt')),
        packs: Number(field(data, 'packs')),
        contact: field(data, 'contact'),
      };
      void run('book', 'bookings', body, t('rental.bookedOk', { contact: body.contact }), hooks);
    } else if (kind === 'rental-checkout') {
      const packIds = data.getAll('pack').map(String);
      void run(`checkout:${id}`, `bookings/${id}/checkout`, { packIds }, t('rental.outOk', { id }), hooks);
    } else if (kind === 'rental-return') {
      void run(
        `return:${id}`,
        `bookings/${id}/return`,
        { problem: field(data, 'problem') },
        t('rental.backOk', { id }),
        hooks,
      );
    } else if (kind === 'rental-timeframe') {
      const days = Number(field(data, 'days'));
      const from = dayStart();
      const body = {
        itemId: field(data, 'itemId'),
        stationId: field(data, 'stationId'),
        from,
        to: days > 0 ? from + days * DAY_MS : null,
      };
      void run('timeframe', 'rental/timeframes', body, t('rental.timeframeOk'), hooks);
    } else if (kind === 'rental-restrict') {
      const body = {
        itemId: field(data, 'itemId'),
        kind: field(data, 'kind'),
        from: Date.now(),
        to: null,
        text: field(data, 'text'),
      };
      void run('restrict', 'rental/restrictions', body, t('rental.restrictOk'), hooks);
    }
  });
  document.addEventListener('click', (event) => {
    const target = event.target instanceof window.Element ? event.target.closest('[data-action]') : null;
    const action = target?.getAttribute('data-action') ?? '';
    if (!target || target.hasAttribute('disabled') || !action.startsWith('rental-')) return;
    const id = target.getAttribute('data-id') ?? '';
    if (action === 'rental-cancel')
      void run(`cancel:${id}`, `bookings/${id}/cancel`, { reason: '' }, t('rental.cancelOk', { id }), hooks);
    else if (action === 'rental-close-problem')
      void run(`close:${id}`, `rental/problems/${id}/close`, { note: '' }, t('rental.closeOk'), hooks);
    else if (action === 'rental-lift')
      void run(`lift:${id}`, `rental/restrictions/${id}/lift`, {}, t('rental.liftOk'), hooks);
  });
  document.addEventListener('change', (event) => {
    const el = event.target;
    if (el instanceof window.HTMLInputElement && el.getAttribute('data-testid') === 'rental-day') {
      if (!el.value) return;
      rental.day = el.value;
      rental.bookings = null;
    } else if (el instanceof window.HTMLSelectElement && el.getAttribute('data-testid') === 'rental-station-filter') {
      rental.station = el.value;
    } else return;
    hooks.render();
    hooks.reload();
  });
}
