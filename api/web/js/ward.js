// The ward's page: ask for a porter, follow the department's jobs live (the ward's own
// notices on the stream), confirm who goes along, cancel, rate and complain.

import {
  $, h, fill, field, formError, showProblem, clearProblems, toast, coalesce, keepTyping,
} from './dom.js';
import { ApiError, Offline, call, get } from './api.js';
import { follow } from './stream.js';
import { t } from './i18n.js';
import { begin, setConn, beep } from './session.js';
import { datalists, requestForm } from './request.js';
import { dayHm, hm, minutes, urgency } from './time.js';

const ACTIVE = ['requested', 'assigned', 'acknowledged', 'in_progress', 'on_hold'];
const CANCEL_REASONS = ['request_withdrawn', 'duplicate_request', 'exam_cancelled', 'patient_unwell', 'other'];
const RECENT = 10;

async function main() {
  const { me, site } = await begin(['ward']);
  const dept = site.departments.find((d) => d.id === me.department);
  $('#where').textContent = dept ? dept.name : me.department;
  document.body.append(...datalists(site, await get('/site/locations')));
  const state = { jobs: [], open: null };

  const load = coalesce(async () => {
    const [open, done] = await Promise.all([get('/jobs'), get('/jobs?status=completed')]);
    done.sort((a, b) => (b.ended_at || '').localeCompare(a.ended_at || ''));
    state.jobs = [...open, ...done.slice(0, RECENT)];
    render();
  }, 50);

  requestForm($('#request-form'), { site, department: me.department, onDone: () => load() });

  const select = (name, values, prefix) => h('select', { name },
    values.map((v) => h('option', { value: v }, prefix ? t(`${prefix}.${v}`) : String(v))));
  const text = (name) => h('input', { name, autocomplete: 'off' });
  const FORMS = {
    'confirm-accompaniment': () => [field('companion', t('f.companion'), text('companion'))],
    cancel: () => [field('reason', t('f.reason'), select('reason', CANCEL_REASONS, 'reason')),
      field('note', t('f.note'), text('note'))],
    rate: () => [field('score', t('f.score'), select('score', [5, 4, 3, 2, 1])),
      field('comment', t('f.comment'), text('comment'))],
    complaints: () => [field('category', t('f.category'), select('category', site.vocabulary.complaints, 'complaint')),
      field('text', t('f.complaint'), text('text'))],
  };

  function stepForm(job, action) {
    const form = h('form', { class: 'step', novalidate: true, dataset: { action } },
      FORMS[action](), formError(),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'big primary' }, t(`act.${action}`)),
        h('button', { type: 'button', class: 'big', onclick: () => { state.open = null; render(); } }, t('cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearProblems(form);
      const body = {};
      for (const el of form.elements) {
        if (!el.name) continue;
        if (el.name === 'score') body.score = Number(el.value);
        else if (el.value.trim() || ['companion', 'text'].includes(el.name)) body[el.name] = el.value.trim();
      }
      try {
        await call('POST', `/jobs/${job.id}/${action}`, { body });
        state.open = null;
        toast(t('act.done', { what: t(`act.${action}`) }), 'ok');
        load();
      } catch (error) {
        if (error instanceof Offline) showProblem(form, { field: '_form', message: t('offline.action') });
        else if (error instanceof ApiError) showProblem(form, error);
        else throw error;
      }
    });
    return form;
  }

  function steps(job) {
    const out = [];
    const active = ACTIVE.includes(job.status);
    if (active && job.requirements.accompaniment !== 'none' && !job.accompaniment_confirmed) {
      out.push('confirm-accompaniment');
    }
    if (active && job.status !== 'in_progress') out.push('cancel');
    if (job.status === 'completed' && job.rating === null) out.push('rate');
    out.push('complaints');
    return out;
  }

  function card(job) {
    const { left, band } = urgency(job);
    const active = ACTIVE.includes(job.status);
    const open = state.open?.id === job.id ? state.open.action : null;
    const req = job.requirements;
    return h('article', { class: `card job due-${active ? band : 'none'}`, dataset: { jobId: job.id, status: job.status } },
      h('header', {}, h('span', { class: `prio p-${job.priority}` }, t(`priority.${job.priority}`)),
        h('strong', {}, t(`kind.${job.kind}`)),
        h('span', { class: `status s-${job.status}` }, t(`status.${job.status}`))),
      h('p', { class: 'route' }, `${job.origin} → ${job.destination}`),
      h('p', { class: 'meta' }, [job.patient_ref, t('ward.requested', { time: dayHm(job.requested_at) }),
        job.porters.length ? t('ward.porters', { who: job.porters.join(', ') }) : null].filter(Boolean).join(' · ')),
      req.accompaniment !== 'none' && h('p', { class: job.accompaniment_confirmed ? 'meta' : 'warn' },
        job.accompaniment_confirmed ? t('phone.companion_ok', { who: job.companion })
          : t('ward.confirm_needed', { who: t(`acc.${req.accompaniment}`) })),
      active ? h('p', { class: 'due' }, `${t(job.picked_up_at ? 'due.delivery' : 'due.pickup')} ${hm(job.picked_up_at ? job.delivery_due : job.pickup_due)} (${minutes(left)})`)
        : h('p', { class: 'meta' }, [job.ended_at && t('ward.ended', { time: dayHm(job.ended_at) }),
          job.rating && '★'.repeat(job.rating)].filter(Boolean).join(' · ')),
      open ? stepForm(job, open) : h('div', { class: 'buttons' }, steps(job).map((action) => h('button', {
        class: 'big', dataset: { action }, onclick: () => { state.open = { id: job.id, action }; render(); },
      }, t(`act.${action}`)))));
  }

  function render() {
    const list = $('#ward-list');
    keepTyping(list, () => fill(list, state.jobs.length ? state.jobs.map(card)
      : h('p', { class: 'empty' }, t('ward.none'))));
  }

  window.addEventListener('dispatch:lang', render);
  follow((event, data) => {
    if (event === 'notice') {
      toast(`${t(`notice.${data.kind}`)}: ${data.text}`);
      if (['failed', 'cancelled', 'delayed'].includes(data.kind)) beep(1);
    }
    load();
  }, setConn);
  setInterval(load, 20000);
  load();
}

main();
