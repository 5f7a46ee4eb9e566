// The mechanic's login: asks GET /api/session once at start, runs the login form and logout, and draws the header
// control and the form. The cookie itself is HttpOnly, so the page only ever knows what the server tells it.
import { ApiError, getSession, login, logout } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** @typedef {{ key: string, params?: Record<string, string | number> }} Message */

export const session = {
  /** @type {import('./api.js').SessionUser | null} */
  user: null,
  /** false until /api/session has answered once */
  known: false,
  /** false when the server has no login at all (/api/session answers 404): then there is nothing to show */
  supported: true,
  formOpen: false,
  /** a login or logout request is running */
  busy: false,
  /** @type {Message | null} shown in the form (or, for a failed logout, beside the logout button) */
  message: null,
};

/** Only a mechanic may send commands; the server checks again on every request. */
export function isMechanic() {
  return session.user?.role === 'mechanic';
}

/** @param {unknown} err */
function describe(err) {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Asks the server who is logged in. A failed check (server away) leaves the state as it was and is asked again on
 * the next poll; only an answer settles it.
 */
export async function checkSession() {
  try {
    session.user = await getSession();
    session.known = true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      session.supported = false;
      session.known = true;
    }
  }
}

export function openForm() {
  session.formOpen = true;
  session.message = null;
}

export function closeForm() {
  session.formOpen = false;
  session.message = null;
}

/**
 * @param {string} username
 * @param {string} password
 * @returns {Promise<boolean>} true when logged in
 */
export async function submitLogin(username, password) {
  session.busy = true;
  session.message = null;
  try {
    session.user = await login(username, password);
    session.known = true;
    session.formOpen = false;
    return true;
  } catch (err) {
    const status = err instanceof ApiError ? err.status : -1;
    if (status === 401) session.message = { key: 'session.wrong' };
    else if (status === 403) session.message = { key: 'session.notMechanic' };
    else if (status === 0) session.message = { key: 'session.unreachable' };
    else session.message = { key: 'session.failed', params: { error: describe(err) } };
    return false;
  } finally {
    session.busy = false;
  }
}

/** @returns {Promise<boolean>} true when logged out */
export async function submitLogout() {
  session.busy = true;
  session.message = null;
  try {
    await logout();
    session.user = null;
    return true;
  } catch (err) {
    // 401: the session had already ended on the server, which is what the user wanted.
    if (err instanceof ApiError && err.status === 401) {
      session.user = null;
      return true;
    }
    session.message = { key: 'session.logoutFailed', params: { error: describe(err) } };
    return false;
  } finally {
    session.busy = false;
  }
}

/** The server said 401 to a command: the session ended (expired or logged out elsewhere), so ask to log in again. */
export function sessionEnded() {
  session.user = null;
  session.formOpen = true;
  session.message = { key: 'session.expired' };
}

/** The header's part: a login button, or the user's name and a logout button. Null while unknown or unsupported. */
export function renderSessionControl() {
  if (!session.known || !session.supported) return null;
  if (session.user) {
    return h(
      'div',
      { class: 'session', 'data-testid': 'session' },
      h(
        'span',
        { class: 'session-user', 'data-testid': 'session-user' },
        t('session.as', { name: session.user.username }),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button topbar-button',
          'data-action': 'logout',
          'data-testid': 'logout',
          disabled: session.busy,
        },
        t('session.logout'),
      ),
      session.message &&
        h(
          'span',
          { class: 'session-error', role: 'alert', 'data-testid': 'session-error' },
          t(session.message.key, session.message.params),
        ),
    );
  }
  return h(
    'div',
    { class: 'session', 'data-testid': 'session' },
    h(
      'button',
      {
        type: 'button',
        class: 'button topbar-button',
        'data-action': session.formOpen ? 'login-close' : 'login-open',
        'data-testid': 'login-open',
        'aria-expanded': session.formOpen ? 'true' : 'false',
        'aria-controls': 'login-panel',
      },
      t('session.login'),
    ),
  );
}

/** The login form, below the header so a phone's keyboard does not push a tall sticky header over it. */
export function renderLoginPanel() {
  if (!session.formOpen || session.user || !session.supported) return null;
  return h(
    'section',
    { class: 'card login-panel', id: 'login-panel', 'data-testid': 'login-panel', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, t('session.formTitle')),
    h(
      'form',
      { class: 'login-form', 'data-testid': 'login-form' },
      h('label', { for: 'login-user' }, t('session.user')),
      h('input', {
        id: 'login-user',
        name: 'username',
        type: 'text',
        autocomplete: 'username',
        autocapitalize: 'none',
        spellcheck: 'false',
        required: true,
        'data-testid': 'login-user',
      }),
      h('label', { for: 'login-password' }, t('session.password')),
      h('input', {
        id: 'login-password',
        name: 'password',
        type: 'password',
        autocomplete: 'current-password',
        required: true,
        'data-testid': 'login-password',
      }),
      session.message &&
        h(
          'p',
          { class: 'notice bad', role: 'alert', 'data-testid': 'login-error' },
          t(session.message.key, session.message.params),
        ),
      h(
        'div',
        { class: 'login-buttons' },
        h(
          'button',
          { type: 'submit', class: 'button primary', 'data-testid': 'login-submit', disabled: session.busy },
          session.busy ? t('session.busy') : t('session.submit'),
        ),
        h(
          'button',
          { type: 'button', class: 'button', 'data-action': 'login-close', 'data-testid': 'login-cancel' },
          t('session.cancel'),
        ),
      ),
    ),
  );
}
