// The porter's phone: their jobs, pushed live from their notices, with large buttons for
// each step; every action goes through the outbox, so a dead spot in a stairwell loses
// nothing and the porter sees what has reached the server and what has not.

import { $, h, fill, toast, coalesce } from './dom.js';
import { Offline, get } from './api.js';
import { follow } from './stream.js';
import { t } from './i18n.js';
import { begin, setConn, beep } from './session.js';
import { Outbox } from './outbox.js';
import { hm, localInput, zonedIso } from './time.js';
import { card, projectJob } from './phonecard.js';

async function main() {
  const { me, site } = await begin(['porter']);
  const badge = me.badge;
  const state = { porter: null, jobs: [], open: null, drafts: {}, stale: false };
  const box = new Outbox(badge, () => render());

  const load = coalesce(async () => {
    try {
      const [porter, jobs] = await Promise.all([get(`/porters/${badge}`), get(`/porters/${badge}/jobs`)]);
      Object.assign(state, { porter, jobs, stale: false });
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      state.stale = true;
    }
    render();
  }, 50);

  function queue(action, path, body, target, summary, baseline) {
    state.open = null;
    box.add({ action, path, body, target, label: summary, baseline }).then(load);
    render();
  }

  const jobAct = (job, action, body = {}) => queue(action, `/jobs/${job.id}/${action}`, body,
    { job: job.id }, `${t(`kind.${job.kind}`)} ${job.origin} → ${job.destination}`, job.incidents);
  const dayAct = (action, body = {}) => queue(action, `/porters/${badge}/${action}`, body,
    { porter: badge }, badge);

  function porterState() {
    let s = state.porter?.state ?? 'off_shift';
    for (const e of box.waiting()) {
      if (!e.target.porter) continue;
      s = { 'break/start': 'on_break', 'break/end': 'free', 'shift/start': 'free', 'shift/end': 'off_shift' }[e.action] ?? s;
    }
    return s;
  }

  function day() {
    const s = porterState();
    const big = (action, key, onclick, cls = '') => h('button', { class: `big ${cls}`, dataset: { action }, onclick }, t(key));
    let controls;
    if (s === 'off_shift') {
      const ends = h('input', { type: 'datetime-local', name: 'ends_at', value: localInput(Date.now() + 8 * 3600e3) });
      controls = [h('label', { class: 'field' }, h('span', { class: 'label' }, t('day.until')), ends),
        big('shift/start', 'day.start_shift', () => dayAct('shift/start', { ends_at: zonedIso(ends.value) }), 'primary')];
    } else if (s === 'on_break') {
      controls = [big('break/end', 'day.end_break', () => dayAct('break/end'), 'primary')];
    } else {
      controls = [big('break/start', 'day.start_break', () => dayAct('break/start')),
        big('shift/end', 'day.end_shift', () => { if (confirm(t('day.end_shift_sure'))) dayAct('shift/end'); })];
    }
    const p = state.porter;
    return h('section', { class: 'day' },
      h('p', {}, h('span', { class: `state st-${s}` }, t(`state.${s}`)),
        p?.shift_ends_at && s !== 'off_shift' ? ` ${t('porter.until', { time: hm(p.shift_ends_at) })}` : '',
        p ? ` · ${t('day.done', { n: p.jobs_this_shift })}` : ''),
      h('div', { class: 'buttons' }, controls));
  }

  function outbox() {
    const waiting = box.waiting();
    const refused = box.entries.filter((e) => e.state === 'refused');
    const sent = box.entries.filter((e) => e.state === 'sent').slice(-3).reverse();
    const line = (e, text) => h('li', { class: `ob ob-${e.state}`, dataset: { action: e.action } }, text,
      e.state === 'refused' && h('button', { class: 'small', onclick: () => box.dismiss(e.key) }, t('ok')));
    return h('section', { id: 'outbox', class: waiting.length ? 'waiting' : 'clear', dataset: { waiting: waiting.length } },
      h('p', { class: 'summary' }, waiting.length ? t('outbox.waiting', { n: waiting.length }) : t('outbox.clear')),
      !navigator.onLine && h('p', { class: 'net' }, t('outbox.no_network')),
      h('ul', {},
        waiting.map((e) => line(e, `◷ ${t(`act.${e.action}`)} · ${e.label} — ${t('outbox.not_sent', { time: hm(e.at) })}`)),
        refused.map((e) => line(e, `✗ ${t(`act.${e.action}`)} · ${e.label} — ${t('outbox.refused')}: ${e.message}`)),
        sent.map((e) => line(e, `✓ ${t(`act.${e.action}`)} · ${e.label} — ${t('outbox.sent', { time: hm(e.sentAt) })}`))));
  }

  function render() {
    const pending = box.waiting();
    const jobs = state.jobs.map((job) => projectJob(job, pending, badge));
    fill($('#phone'), day(), outbox(),
      state.stale && h('p', { class: 'stale' }, t('phone.stale')),
      h('section', { class: 'jobs' }, h('h2', {}, t('phone.my_jobs'), ` (${jobs.length})`),
        jobs.length ? jobs.map((job) => card(job, { state, site, act: jobAct, render }))
          : h('p', { class: 'empty' }, t('phone.no_jobs'))));
  }

  window.addEventListener('dispatch:lang', render);
  window.addEventListener('online', render);
  window.addEventListener('offline', render);
  window.addEventListener('dispatch:outbox-empty', load);
  follow((event, data) => {
    if (event === 'notice') {
      toast(`${t(`notice.${data.kind}`)}: ${data.text}`, data.kind === 'new' ? 'ok' : 'info');
      if (data.kind === 'new') { beep(2); navigator.vibrate?.([200, 100, 200]); }
    }
    load();
  }, setConn);
  setInterval(load, 30000);
  render();
  load();
}

main();
