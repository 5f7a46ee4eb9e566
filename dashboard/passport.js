// The battery page's passport part: loads GET /api/batteries/<id>/passport on every poll and sends a mechanic's work
// record. app.js calls in here for `#/battery/<id>`; render-passport.js draws it.
import { ApiError, addWorkRecord, getPassport } from './api.js';
import { t } from './i18n.js';
import { renderPassport } from './render-passport.js';

/**
 * @typedef {{ id: string, data: import('./api.js').Passport | null, notFound: boolean, pending: boolean,
 *   outcome: { text: string, ok: boolean } | null }} PassportView
 */

/** @type {PassportView | null} */
let view = null;

/** @param {string} id @returns {PassportView} */
const fresh = (id) => ({ id, data: null, notFound: false, pending: false, outcome: null });

/** @param {string} id */
export async function loadPassport(id) {
  if (view?.id !== id) view = fresh(id);
  const v = view;
  try {
    v.data = await getPassport(id);
    v.notFound = false;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) v.notFound = true;
    else throw err;
  }
}

/** @param {string} id @param {boolean} mechanic */
export function renderPassportRoute(id, mechanic) {
  return renderPassport(view?.id === id ? view : fresh(id), mechanic, Date.now());
}

/** @param {unknown} err */
const describe = (err) =>
  err instanceof ApiError && err.detail ? err.detail : err instanceof Error ? err.message : String(err);

/**
 * The work-record form's submit (one delegated listener; the form is rebuilt on every render).
 * @param {() => void} render
 * @param {() => void} unauthorized the session ended: app.js opens the login
 */
export function installPassportActions(render, unauthorized) {
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof window.HTMLFormElement) || form.getAttribute('data-testid') !== 'work-form') return;
    event.preventDefault();
    const v = view;
    if (!v || v.pending) return;
    const data = new window.FormData(form);
    const kind = /** @type {import('./api.js').WorkRecord['kind']} */ (String(data.get('kind') ?? ''));
    const note = String(data.get('note') ?? '').trim();
    v.pending = true;
    render();
    addWorkRecord(v.id, kind, note)
      .then(async (record) => {
        v.outcome = { text: t('bp.work.saved', { kind: t(`work.kind.${record.kind}`) }), ok: true };
        form.reset();
        await loadPassport(v.id).catch(() => undefined);
      })
      .catch((/** @type {unknown} */ err) => {
        if (err instanceof ApiError && err.status === 401) unauthorized();
        v.outcome = { text: t('bp.work.failed', { error: describe(err) }), ok: false };
      })
      .finally(() => {
        v.pending = false;
        render();
      });
  });
}
