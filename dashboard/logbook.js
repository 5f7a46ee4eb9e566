// The trainee logbook (`#/logbook`): trainees by number with their tasks per procedure and weeks active (links to the
// CSV and the printable certificate page), the recent procedure runs; for logged-in staff a form to put an unassigned
// run on a trainee's number and the pseudonym table (number -> name). Names are neither fetched nor shown without login.
import { ApiError, logbookApi } from './api.js';
import { h } from './dom.js';
import { locale, t } from './i18n.js';

/**
 * @typedef {import('./api.js').LogbookEntry} LogbookEntry
 * @typedef {import('./api.js').TraineeRecord} TraineeRecord
 * @typedef {import('./api.js').TraineeNameList} TraineeNameList
 */

/** At most this many trainee records are asked for per refresh (one request each). */
const MAX_RECORDS = 40;

const view = {
  /** @type {LogbookEntry[] | null} */
  runs: null,
  /** @type {TraineeRecord[] | null} */
  trainees: null,
  /** @type {TraineeNameList['items'] | null} */
  names: null,
  /** @type {string | null} */
  error: null,
  /** @type {string | null} */
  notice: null,
};

/** @param {string} hash */
export function isLogbookRoute(hash) {
  return /^#\/logbook\/?$/.test(hash);
}

/** @param {boolean} staff @param {() => void} unauthorized */
export async function loadLogbook(staff, unauthorized) {
  try {
    const [runs, list] = await Promise.all([logbookApi.runs(), logbookApi.trainees()]);
    const records = await Promise.all(list.items.slice(0, MAX_RECORDS).map((s) => logbookApi.record(s.trainee)));
    view.runs = runs.items;
    view.trainees = records;
    view.error = null;
  } catch (err) {
    view.error = err instanceof Error ? err.message : String(err);
  }
  if (!staff) {
    // A logout (or a session that ran out) forgets the names at once.
    view.names = null;
    return;
  }
  try {
    view.names = (await logbookApi.names()).items;
  } catch (err) {
    view.names = null;
    if (err instanceof ApiError && err.status === 401) unauthorized();
  }
}

/** @param {number} ms */
const when = (ms) => new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'short' }).format(new Date(ms));

/** @param {number} n */
const nameOf = (n) => view.names?.find((x) => x.trainee === n)?.name ?? null;

/** @param {TraineeRecord} r */
function trainee(r) {
  const name = nameOf(r.trainee);
  return h(
    'li',
    { class: 'card logbook-trainee', 'data-testid': 'logbook-trainee', 'data-trainee': r.trainee },
    h('strong', null, t('logbook.number', { n: r.trainee })),
    name && h('span', { 'data-testid': 'logbook-trainee-name' }, ` · ${name}`),
    h('p', { class: 'muted' }, t('logbook.weeksActive', { weeks: r.weeksActive, done: r.done })),
    h(
      'ul',
      { class: 'logbook-tasks' },
      r.tasks.map((task) =>
        h('li', null, t('logbook.task', { procedure: task.procedureId, done: task.done, aborted: task.aborted })),
      ),
    ),
    h(
      'p',
      { class: 'logbook-links' },
      h('a', { href: `/api/trainees/${r.trainee}/logbook.csv`, 'data-testid': 'logbook-csv' }, t('logbook.csv')),
      h(
        'a',
        { href: `/sheet/trainees/${r.trainee}`, target: '_blank', rel: 'noopener', 'data-testid': 'logbook-sheet' },
        t('logbook.sheet'),
      ),
    ),
  );
}

/** @param {LogbookEntry} e */
function run(e) {
  return h(
    'li',
    {
      class: `card logbook-run logbook-${e.outcome}`,
      'data-testid': 'logbook-run',
      'data-run': e.runId,
      'data-station': e.stationId,
    },
    h('strong', null, e.title ?? e.procedureId),
    h('span', null, ` · ${e.stationId}${e.dock !== null ? ` · ${t('dock.title', { n: e.dock })}` : ''}`),
    h('p', null, `${when(e.startedAt)} · ${t(`logbook.outcome.${e.outcome}`)}`),
    h(
      'p',
      { 'data-testid': 'logbook-run-trainee' },
      e.trainee === null ? t('logbook.unassigned') : t('logbook.number', { n: e.trainee }),
    ),
  );
}

/** @param {LogbookEntry[]} runs */
function assignForm(runs) {
  const open = runs.filter((e) => e.trainee === null);
  if (open.length === 0) return h('p', { class: 'muted' }, t('logbook.nothingToAssign'));
  return h(
    'form',
    { class: 'card logbook-form', 'data-form': 'logbook-assign', 'data-testid': 'logbook-assign' },
    h('h2', null, t('logbook.assign')),
    h(
      'label',
      null,
      t('logbook.run'),
      h(
        'select',
        { name: 'run', required: true, 'data-testid': 'logbook-assign-run' },
        open.map((e) =>
          h(
            'option',
            { value: JSON.stringify([e.stationId, e.runId]) },
            `${e.title ?? e.procedureId} · ${e.stationId} · ${when(e.startedAt)}`,
          ),
        ),
      ),
    ),
    numberInput('logbook-assign-number'),
    h('button', { type: 'submit', class: 'button', 'data-testid': 'logbook-assign-save' }, t('logbook.assignSave')),
  );
}

/** @param {string} testid */
function numberInput(testid) {
  return h(
    'label',
    null,
    t('logbook.traineeNumber'),
    h('input', { name: 'trainee', type: 'number', min: 1, max: 999, required: true, 'data-testid': testid }),
  );
}

function namesSection() {
  const names = view.names;
  return h(
    'section',
    { 'data-testid': 'logbook-names' },
    h('h2', null, t('logbook.names')),
    h('p', { class: 'muted' }, t('logbook.namesPrivacy')),
    names === null
      ? h('p', { class: 'muted' }, t('app.loading'))
      : h(
          'ul',
          { class: 'logbook-list' },
          names.map((x) =>
            h(
              'li',
              { class: 'card logbook-name', 'data-testid': 'logbook-name', 'data-trainee': x.trainee },
              h('strong', null, t('logbook.number', { n: x.trainee })),
              h('span', null, ` · ${x.name}`),
              h(
                'button',
                {
                  type: 'button',
                  class: 'button',
                  'data-action': 'logbook-name-remove',
                  'data-trainee': x.trainee,
                  'data-testid': 'logbook-name-remove',
                },
                t('logbook.nameRemove'),
              ),
            ),
          ),
        ),
    h(
      'form',
      { class: 'card logbook-form', 'data-form': 'logbook-name', 'data-testid': 'logbook-name-form' },
      numberInput('logbook-name-number'),
      h(
        'label',
        null,
        t('logbook.name'),
        h('input', {
          name: 'name',
          required: true,
          maxlength: 120,
          autocomplete: 'off',
          'data-testid': 'logbook-name-input',
        }),
      ),
      h('button', { type: 'submit', class: 'button', 'data-testid': 'logbook-name-save' }, t('logbook.nameSave')),
    ),
  );
}

/** @param {boolean} staff */
export function renderLogbookPage(staff) {
  const { runs, trainees } = view;
  return h(
    'main',
    { class: 'page logbook', 'data-testid': 'page-logbook' },
    h('h1', null, t('logbook.title')),
    view.notice && h('p', { class: 'notice', role: 'status' }, view.notice),
    view.error && h('p', { class: 'notice bad', role: 'alert' }, view.error),
    h('h2', null, t('logbook.trainees')),
    trainees === null
      ? h('p', { class: 'muted' }, t('app.loading'))
      : trainees.length === 0
        ? h('p', { class: 'muted' }, t('logbook.noTrainees'))
        : h('ul', { class: 'logbook-list', 'data-testid': 'logbook-trainees' }, trainees.map(trainee)),
    h('h2', null, t('logbook.runs')),
    runs === null
      ? h('p', { class: 'muted' }, t('app.loading'))
      : runs.length === 0
        ? h('p', { class: 'muted' }, t('logbook.noRuns'))
        : h('ul', { class: 'logbook-list', 'data-testid': 'logbook-runs' }, runs.slice(0, 50).map(run)),
    staff && runs !== null && assignForm(runs),
    staff ? namesSection() : h('p', { class: 'muted', 'data-testid': 'logbook-login-hint' }, t('logbook.loginHint')),
  );
}

/** @param {FormData} data */
const traineeOf = (data) => Number(data.get('trainee'));

/**
 * The forms and the remove buttons (delegated listeners; the page is rebuilt on every render).
 * @param {{ render: () => void, reload: () => void, unauthorized: () => void }} hooks
 */
export function installLogbookActions(hooks) {
  /** @param {() => Promise<unknown>} action @param {string} done @param {HTMLFormElement} [form] */
  const act = async (action, done, form) => {
    try {
      await action();
      view.notice = done;
      view.error = null;
      form?.reset();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return hooks.unauthorized();
      view.error = err instanceof ApiError && err.detail ? err.detail : String(err);
    }
    hooks.render();
    hooks.reload();
  };
  document.addEventListener('submit', (event) => {
    const f = event.target;
    if (!(f instanceof window.HTMLFormElement)) return;
    const kind = f.getAttribute('data-form');
    if (kind !== 'logbook-assign' && kind !== 'logbook-name') return;
    event.preventDefault();
    const data = new window.FormData(f);
    const n = traineeOf(data);
    if (kind === 'logbook-name') {
      const name = String(data.get('name') ?? '').trim();
      void act(() => logbookApi.setName(n, name), t('logbook.nameSaved', { n }), f);
      return;
    }
    const [stationId, runId] = /** @type {[string, string]} */ (JSON.parse(String(data.get('run') ?? '[]')));
    void act(() => logbookApi.assign(stationId, runId, n), t('logbook.assigned', { n }), f);
  });
  document.addEventListener('click', (event) => {
    const target =
      event.target instanceof window.Element ? event.target.closest('[data-action="logbook-name-remove"]') : null;
    const n = Number(target?.getAttribute('data-trainee'));
    if (target && n > 0) void act(() => logbookApi.deleteName(n), t('logbook.nameRemoved', { n }));
  });
}
