// "Call a porter in": an off-shift porter's shift started from the porter board, until a
// time the dispatcher sets on the hospital's clock (`POST /porters/{badge}/shift/start`).
// The form stands apart from the board, which is redrawn on every change, so a time half
// typed is never wiped; what the API refuses is shown beside the field it names.

import { h, field, formError, showProblem, clearProblems, toast } from './dom.js';
import { ApiError, Offline, call } from './api.js';
import { t } from './i18n.js';
import { hm, localInput, zonedIso } from './time.js';

const HOURS = 8; // a shift's length when nobody says otherwise
const FIVE = 5 * 60 * 1000;

// Text that follows the language switch (translate() rewrites data-i18n elements).
const words = (key) => h('span', { 'data-i18n': key }, t(key));

export const CALLERS = ['dispatcher', 'admin', 'planner']; // the roles the API lets start a shift

export function callInForm(box, { onDone }) {
  let badge = null;
  const who = h('strong', {});
  const until = h('input', { name: 'ends_at', type: 'datetime-local' });
  const form = h('form', { class: 'call-in-form', novalidate: true },
    h('p', {}, words('callin.who'), ' ', who),
    field('ends_at', words('callin.until'), until, words('callin.hint')), formError(),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', 'data-i18n': 'callin.go' }, t('callin.go')),
      h('button', { type: 'button', class: 'cancel', 'data-i18n': 'cancel', onclick: () => close() },
        t('cancel'))));
  box.replaceChildren(h('h3', { 'data-i18n': 'callin.title' }, t('callin.title')), form);

  function close() { badge = null; box.hidden = true; clearProblems(form); }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    if (!until.value) {
      showProblem(form, { field: 'ends_at', message: t('f.required') });
      return;
    }
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      const porter = await call('POST', `/porters/${encodeURIComponent(badge)}/shift/start`,
        { body: { ends_at: zonedIso(until.value) } });
      toast(t('callin.done', { who: porter.badge, time: hm(porter.shift_ends_at) }), 'ok');
      close();
      onDone?.(porter);
    } catch (error) {
      if (error instanceof Offline) showProblem(form, { field: '_form', message: t('offline.action') });
      else if (error instanceof ApiError) showProblem(form, error.field ? error : { ...error, field: '_form' });
      else throw error;
    } finally {
      button.disabled = false;
    }
  });

  return {
    open(porter) {
      badge = porter.badge;
      who.textContent = `${porter.badge} (${porter.group})`;
      clearProblems(form);
      until.value = localInput(Math.ceil((Date.now() + HOURS * 3600 * 1000) / FIVE) * FIVE);
      box.hidden = false;
      box.dataset.badge = badge;
      until.focus();
    },
    close,
  };
}
