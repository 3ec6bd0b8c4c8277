// The auditor's view: dispatch rounds by time (and by job), each opened to what it knew,
// what it chose at what cost and why every other porter was or was not an option; and a
// job's whole story. It only reads, through the routes any auditing client reads; the
// address names what is open (#round=12, #round=12&job=..., #job=...), so Back works and
// a link can be passed on.

import { $, h, fill, field, formError, showProblem, clearProblems, coalesce, toast } from './dom.js';
import { ApiError, Offline, get, query } from './api.js';
import { follow } from './stream.js';
import { t } from './i18n.js';
import { begin, setConn } from './session.js';
import { dayHm, hms, localInput, zonedIso } from './time.js';
import { roundView } from './round.js';
import { storyView } from './story.js';

const PAGE = 100;
const HOUR = 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const label = (key) => h('span', { 'data-i18n': key }, t(key));

const go = (params) => { location.hash = new URLSearchParams(params).toString(); };

function filterForm(form) {
  form.replaceChildren(
    field('job', label('audit.job'), h('input', {
      name: 'job', autocomplete: 'off', spellcheck: 'false', class: 'job-id',
      'data-i18n-placeholder': 'audit.job_hint', placeholder: t('audit.job_hint'),
    })),
    field('from', label('audit.from'), h('input', { name: 'from', type: 'datetime-local' })),
    field('to', label('audit.to'), h('input', { name: 'to', type: 'datetime-local' })),
    h('button', { type: 'submit', class: 'primary', 'data-i18n': 'audit.show' }, t('audit.show')),
    formError());
  form.elements.from.value = localInput(Date.now() - HOUR);
}

function roundRow(r) {
  const open = () => go({ round: r.number });
  return h('tr', {
    class: 'round', dataset: { number: r.number }, tabindex: 0, onclick: open,
    onkeydown: (e) => { if (e.key === 'Enter') open(); },
  },
  h('td', {}, `#${r.number}`),
  h('td', { title: dayHm(r.made_at) }, h('time', {}, hms(r.made_at))),
  h('td', { class: 'trigger' }, r.trigger.replaceAll('+', ' + ')),
  h('td', {}, r.jobs_considered), h('td', {}, r.porters_considered),
  h('td', {}, r.jobs_placed),
  h('td', { class: r.jobs_waiting ? 'waits' : '' }, r.jobs_waiting),
  h('td', { class: r.overrides ? 'overridden' : '' }, r.overrides || ''));
}

async function main() {
  const { site } = await begin(['dispatcher', 'auditor', 'planner', 'admin']);
  $('#where').textContent = site.name;
  const form = $('#round-filters');
  filterForm(form);
  const body = $('#round-list tbody');
  const more = $('#more-rounds');
  const list = { params: null, last: 0 };

  // What the form asks for, as the API takes it; a mistake is shown beside its field.
  function params() {
    const f = form.elements;
    const job = f.job.value.trim();
    if (job && !UUID.test(job)) throw new ApiError(422, { field: 'job', message: t('audit.bad_job') });
    return { job, from: zonedIso(f.from.value) || '', to: zonedIso(f.to.value) || '' };
  }

  async function page(after) {
    return get(`/decisions${query({ ...list.params, after, limit: PAGE })}`);
  }

  async function load() {
    clearProblems(form);
    try {
      list.params = params();
      const rounds = await page(0);
      fill(body, rounds.map(roundRow));
      list.last = rounds.length ? rounds[rounds.length - 1].number : 0;
      more.hidden = rounds.length < PAGE;
      $('#rounds-empty').hidden = rounds.length > 0;
    } catch (error) {
      if (error instanceof Offline) showProblem(form, { field: '_form', message: t('offline.action') });
      else if (error instanceof ApiError) {
        showProblem(form, error.status === 404 ? { field: 'job', message: error.message } : error);
      } else throw error;
    }
  }

  // Later rounds: the next page, or, at the end of the list, the rounds run since.
  const later = coalesce(async () => {
    if (!list.params) return;
    const rounds = await page(list.last);
    body.append(...rounds.map(roundRow));
    if (rounds.length) list.last = rounds[rounds.length - 1].number;
    more.hidden = rounds.length < PAGE;
    $('#rounds-empty').hidden = body.children.length > 0;
  }, 500);

  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  more.addEventListener('click', later);

  const round = roundView($('#round'), { site, go });
  const story = storyView($('#story'), { site, go });
  function route() {
    const p = new URLSearchParams(location.hash.slice(1));
    const number = Number(p.get('round'));
    const job = p.get('job');
    for (const tr of body.querySelectorAll('tr.selected')) tr.classList.remove('selected');
    body.querySelector(`tr[data-number="${number}"]`)?.classList.add('selected');
    const shown = Number.isInteger(number) && number > 0 ? 'round' : (job && UUID.test(job) ? 'story' : null);
    $('#pick').hidden = shown !== null;
    if (shown === 'round') { story.close(); round.open(number, job).catch((e) => toast(e.message, 'bad')); }
    else if (shown === 'story') { round.close(); story.open(job).catch((e) => toast(e.message, 'bad')); }
    else { round.close(); story.close(); }
  }
  window.addEventListener('hashchange', route);
  window.addEventListener('dispatch:lang', () => { load(); route(); });

  follow((event, data) => {
    if (event === 'hello') return;
    if (data.type === 'Decision.Made' && more.hidden && !form.elements.to.value) later();
    if (data.id && data.id === story.current) story.refresh();
  }, setConn);
  await load();
  route();
}

main();
