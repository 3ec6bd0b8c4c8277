// One job on the porter's phone: what it is, how long is left, and the next steps as large
// buttons; what a step needs (who received it, why the delay) asked for in place.

import { h, field, showProblem } from './dom.js';
import { t } from './i18n.js';
import { hm, minutes, urgency } from './time.js';

const HOLD_REASONS = ['patient_not_ready', 'wrong_equipment', 'lift_out_of_order', 'patient_unwell',
  'accompaniment_unavailable', 'other'];

// The job as it will be once what waits in the outbox has reached the server.
export function projectJob(job, pending, badge) {
  const j = { ...job, acknowledged_by: [...job.acknowledged_by], queued: [] };
  for (const e of pending) {
    if (e.target.job !== job.id) continue;
    j.queued.push(e.action);
    if (e.action === 'acknowledge') {
      j.acknowledged_by.push(badge);
      if (j.status === 'assigned') j.status = 'acknowledged';
    } else if (e.action === 'pick-up') { j.status = 'in_progress'; j.picked_up_at = e.at; }
    else if (e.action === 'complete') j.status = 'completed';
    else if (e.action === 'hold') j.status = 'on_hold';
    else if (e.action === 'resume') j.status = j.picked_up_at ? 'in_progress' : 'acknowledged';
    else if (e.action === 'decline') j.status = 'declined';
  }
  return j;
}

function steps(job, badge) {
  const mine = job.acknowledged_by.includes(badge);
  switch (job.status) {
    case 'assigned': return mine ? ['pick-up', 'hold', 'decline'] : ['acknowledge', 'decline'];
    case 'acknowledged': return ['pick-up', 'hold', 'decline', 'incidents'];
    case 'in_progress': return ['complete', 'hold', 'incidents'];
    case 'on_hold': return ['resume', 'incidents'];
    default: return [];
  }
}

const NEEDS_FORM = new Set(['pick-up', 'complete', 'hold', 'decline', 'incidents']);

function control(name, type, draft, extra = {}) {
  if (type === 'select') {
    return h('select', { name, ...extra.attrs }, extra.values.map((v) => h('option', {
      value: v, selected: draft[name] === v,
    }, t(`${extra.prefix}.${v}`))));
  }
  if (type === 'checkbox') return h('input', { type, name, checked: Boolean(draft[name]) });
  return h('input', { name, autocomplete: 'off', value: draft[name] ?? '' });
}

function stepForm(job, action, { state, site, act, render }) {
  const key = `${job.id}/${action}`;
  const draft = state.drafts[key] || (state.drafts[key] = {});
  const fields = {
    'pick-up': [['handed_over_by', 'text', 'f.handed_over_by'],
      job.requirements.accompaniment !== 'none' && ['companion_present', 'checkbox', 'f.companion_present']],
    complete: [['received_by', 'text', 'f.received_by'], ['note', 'text', 'f.note']],
    hold: [['reason', 'select', 'f.reason', { values: HOLD_REASONS, prefix: 'reason' }], ['note', 'text', 'f.note']],
    decline: [['note', 'text', 'f.why']],
    incidents: [['category', 'select', 'f.category', { values: site.vocabulary.incidents, prefix: 'incident' }],
      ['note', 'text', 'f.what_happened']],
  }[action].filter(Boolean);
  const form = h('form', { class: 'step', novalidate: true, dataset: { action },
    oninput: (e) => { draft[e.target.name] = e.target.type === 'checkbox' ? e.target.checked : e.target.value; },
  },
  fields.map(([name, type, label, extra]) => field(name, t(label), control(name, type, draft, extra))),
  h('div', { class: 'buttons' },
    h('button', { type: 'submit', class: 'big primary' }, t(`act.${action}`)),
    h('button', { type: 'button', class: 'big', onclick: () => { state.open = null; render(); } }, t('cancel'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {};
    for (const [name, type] of fields) {
      const el = form.elements[name];
      body[name] = type === 'checkbox' ? el.checked : el.value.trim();
    }
    // What the server would refuse for sure is said here, at once, even offline.
    const required = { complete: 'received_by', incidents: 'note' }[action];
    if (required && !body[required]) {
      showProblem(form, { field: required, message: t('f.required') });
      return;
    }
    if (action === 'complete' && !body.note) delete body.note;
    if (action === 'decline' && !body.note) delete body.note;
    delete state.drafts[key];
    act(job, action, body);
  });
  return form;
}

export function card(job, ctx) {
  const { state } = ctx;
  const badge = state.porter?.badge;
  const { left, band } = urgency(job);
  const req = job.requirements;
  const needs = [t(`mode.${req.mode}`), req.porters_needed > 1 && t('phone.two_porters'),
    req.isolation && t('f.isolation'), ...req.equipment].filter(Boolean).join(' · ');
  const companion = req.accompaniment === 'none' ? null
    : job.accompaniment_confirmed ? t('phone.companion_ok', { who: job.companion || t(`acc.${req.accompaniment}`) })
      : t('phone.companion_wait', { who: t(`acc.${req.accompaniment}`) });
  const open = state.open?.id === job.id ? state.open.action : null;
  const buttons = steps(job, badge).map((action, i) => h('button', {
    class: `big ${i === 0 ? 'primary' : ''}`, dataset: { action },
    onclick: () => {
      if (NEEDS_FORM.has(action)) { state.open = { id: job.id, action }; ctx.render(); } else ctx.act(job, action);
    },
  }, t(`act.${action}`)));
  return h('article', { class: `card job due-${band}`, dataset: { jobId: job.id, status: job.status } },
    h('header', {}, h('span', { class: `prio p-${job.priority}` }, t(`priority.${job.priority}`)),
      h('strong', {}, t(`kind.${job.kind}`)),
      h('span', { class: `status s-${job.status}` }, t(`status.${job.status}`))),
    h('p', { class: 'route' }, `${job.origin} → ${job.destination}`),
    h('p', { class: 'meta' }, [job.patient_ref, needs].filter(Boolean).join(' · ')),
    companion && h('p', { class: job.accompaniment_confirmed ? 'meta' : 'warn' }, companion),
    job.notes && h('p', { class: 'meta' }, job.notes),
    h('p', { class: 'due' }, `${t(job.picked_up_at ? 'due.delivery' : 'due.pickup')} ${hm(job.picked_up_at ? job.delivery_due : job.pickup_due)} (${minutes(left)})`),
    job.queued.length > 0 && h('p', { class: 'queued' }, t('phone.queued', {
      what: job.queued.map((a) => t(`act.${a}`)).join(', ') })),
    open ? stepForm(job, open, ctx) : h('div', { class: 'buttons' }, buttons));
}
