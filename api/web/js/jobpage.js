// One job at the desk: its facts, the round that placed it and why (and why not another
// porter), every event of it, and what the dispatcher may do: assign, override with a
// reason, release, cancel. Refreshed whenever the stream carries a change to it.

import { h, fill, keepTyping, field, formError, showProblem, clearProblems, toast } from './dom.js';
import { ApiError, Offline, call, get } from './api.js';
import { t } from './i18n.js';
import { dayHm, hm, hms, minutes } from './time.js';

const ACTIVE = ['requested', 'assigned', 'acknowledged', 'in_progress', 'on_hold'];
const DESK = ['dispatcher', 'admin'];

function facts(job) {
  const req = job.requirements;
  const rows = [
    ['job.route', `${job.origin} → ${job.destination}`],
    ['job.department', `${job.department} · ${job.group}`],
    ['job.patient', job.patient_ref],
    ['job.needs', [t(`mode.${req.mode}`), req.porters_needed > 1 && `×${req.porters_needed}`,
      req.isolation && t('f.isolation'), ...req.equipment,
      req.accompaniment !== 'none' && t(`acc.${req.accompaniment}`)].filter(Boolean).join(', ')],
    ['job.companion', job.companion && `${job.companion}`],
    ['job.porters', job.porters.join(', ') + (job.pinned ? ` ⚑ ${t('job.pinned')}` : '')],
    ['job.requested', dayHm(job.requested_at)],
    ['job.ready', job.ready_at && dayHm(job.ready_at)],
    ['job.pickup_due', `${hm(job.pickup_due)} (${minutes(job.minutes_to_pickup)})`],
    ['job.delivery_due', `${hm(job.delivery_due)} (${minutes(job.minutes_to_delivery)})`],
    ['job.picked_up', job.picked_up_at && hm(job.picked_up_at)],
    ['job.escalation', job.escalation && `${job.escalation.level}: ${job.escalation.effect}`],
    ['job.last_reason', job.last_reason && t(`reason.${job.last_reason}`)],
    ['job.rating', job.rating && '★'.repeat(job.rating)],
    ['job.notes', job.notes],
  ];
  return h('dl', { class: 'facts' }, rows.filter(([, v]) => v).map(([k, v]) => [
    h('dt', {}, t(k)), h('dd', {}, v)]));
}

function input(name, attrs = {}) { return h('input', { name, autocomplete: 'off', ...attrs }); }

function reasonSelect(reasons) {
  return h('select', { name: 'reason' }, reasons.map((r) => h('option', { value: r }, t(`reason.${r}`))));
}

function actionForm(job, action, fields, reload) {
  const form = h('form', { class: `act act-${action}`, novalidate: true, dataset: { action } },
    h('h4', {}, t(`act.${action}`)), fields, formError(),
    h('button', { type: 'submit' }, t(`act.${action}`)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    const body = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.name === 'porters') body.porters = el.value.split(/[\s,]+/).filter(Boolean);
      else if (el.value.trim() !== '' || el.name === 'reason') body[el.name] = el.value.trim();
    }
    try {
      await call('POST', `/jobs/${job.id}/${action}`, { body });
      form.reset();
      toast(t('act.done', { what: t(`act.${action}`) }), 'ok');
      reload();
    } catch (error) {
      if (error instanceof Offline) showProblem(form, { field: '_form', message: t('offline.action') });
      else if (error instanceof ApiError) showProblem(form, error);
      else throw error;
    }
  });
  return form;
}

function actions(job, site, reload) {
  const forms = [];
  const reasons = site.vocabulary.reasons;
  const who = () => input('porters', { list: 'porter-badges', placeholder: 'EM-GC-01' });
  if (job.status === 'requested') {
    forms.push(actionForm(job, 'assign', [field('porters', t('f.porters'), who()),
      field('force', t('f.force'), input('force'))], reload));
  }
  if (['requested', 'assigned', 'acknowledged'].includes(job.status)) {
    forms.push(actionForm(job, 'override', [field('porters', t('f.porters'), who()),
      field('reason', t('f.why'), input('reason')),
      field('force', t('f.force'), input('force'))], reload));
  }
  if (['assigned', 'acknowledged', 'on_hold'].includes(job.status)) {
    forms.push(actionForm(job, 'release', [field('reason', t('f.reason'), reasonSelect(reasons)),
      field('note', t('f.note'), input('note'))], reload));
  }
  if (ACTIVE.includes(job.status)) {
    const cancel = reasonSelect(reasons);
    cancel.value = 'request_withdrawn';
    forms.push(actionForm(job, 'cancel', [field('reason', t('f.reason'), cancel),
      field('note', t('f.note'), input('note'))], reload));
  }
  return forms.length ? h('section', { class: 'actions-box' }, h('h3', {}, t('job.actions')), forms)
    : null;
}

function costs(breakdown) {
  return Object.entries(breakdown || {}).filter(([, v]) => Math.abs(v) > 1e-9)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' · ');
}

function whyBox(job, why) {
  const verdict = h('div', { class: 'verdict', role: 'status' });
  const form = h('form', { class: 'why-not', novalidate: true },
    field('porter', t('why.not'), input('porter', { list: 'porter-badges' })), formError(),
    h('button', { type: 'submit' }, t('why.ask')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    const badge = form.elements.porter.value.trim();
    try {
      const answer = await get(`/jobs/${job.id}/why?porter=${encodeURIComponent(badge)}`);
      const p = answer.porter;
      fill(verdict, p ? [h('p', {}, p.verdict),
        p.violations.length ? h('ul', {}, p.violations.map((v) => h('li', {}, `${v.rule}: ${v.reason}`)))
          : null,
        Object.keys(p.difference).length ? h('p', { class: 'costs' },
          `${t('why.difference')}: ${costs(p.difference)}`) : null]
        : h('p', {}, answer.explanation));
    } catch (error) {
      if (error instanceof ApiError) showProblem(form, { ...error, field: 'porter', message: error.message });
      else showProblem(form, { field: '_form', message: t('offline.action') });
    }
  });
  const chosen = why.chosen;
  return h('section', { class: 'why' }, h('h3', {}, t('job.why')),
    why.decision !== null && h('p', { class: 'muted' }, h('a', {
      href: `/audit#round=${why.decision}&job=${job.id}`, class: 'round-link',
    }, t('why.round', { n: why.decision }))),
    h('p', {}, why.explanation),
    chosen && h('p', { class: 'costs' }, `${chosen.badges.join(', ')}: ${chosen.cost.toFixed(1)} — ${costs(chosen.breakdown)}`),
    why.waiting_reason && h('p', {}, why.waiting_reason), form, verdict);
}

function timeline(entries) {
  return h('section', { class: 'timeline' }, h('h3', {}, t('job.timeline')),
    h('ol', {}, entries.map((e) => h('li', { dataset: { event: e.event } },
      h('time', {}, hms(e.at)), ' ', h('strong', {}, t(`event.${e.event}`)),
      e.outcome && ` ${t(`outcome.${e.outcome}`)}`,
      e.badges?.length ? ` ${e.badges.join(', ')}` : '',
      (e.by || e.actor?.by) && h('small', {}, ` · ${e.by || e.actor.by}`),
      e.reason && h('small', {}, ` · ${t(`reason.${e.reason}`)}`),
      e.note && h('small', {}, ` · ${e.note}`)))));
}

export function jobPage(root, { me, site, onClose }) {
  let current = null;
  const close = () => { current = null; root.hidden = true; onClose?.(); };
  async function render() {
    if (!current) return;
    const id = current;
    const [job, line, why] = await Promise.all([get(`/jobs/${id}`),
      get(`/jobs/${id}/timeline`), get(`/jobs/${id}/why`)]);
    if (current !== id) return;
    const keep = root.querySelector('.verdict')?.cloneNode(true);
    keepTyping(root, () => fill(root, h('header', {},
      h('h2', {}, `${t(`kind.${job.kind}`)} `, h('span', { class: `prio p-${job.priority}` },
        t(`priority.${job.priority}`)), ' ',
      h('span', { class: `status s-${job.status}` }, t(`status.${job.status}`))),
      h('button', { class: 'close', 'aria-label': t('close'), onclick: close }, '×')),
    facts(job), DESK.includes(me.role) ? actions(job, site, render) : null,
    whyBox(job, why), timeline(line.entries),
    h('p', {}, h('a', { href: `/audit#job=${job.id}`, class: 'story-link' }, t('audit.story_link')))));
    if (keep?.childNodes.length) root.querySelector('.verdict').replaceWith(keep);
  }
  return {
    open(id) { current = id; root.hidden = false; render().catch((e) => toast(e.message, 'bad')); },
    close,
    refresh() { render().catch(() => {}); },
    get current() { return current; },
  };
}

