// The desk's two boards: jobs, most urgent first, coloured by the minutes left to their
// next target; porters, free first, with what they hold and where they are.

import { h, fill, keyed } from './dom.js';
import { getLang, t } from './i18n.js';
import { hm, minutes, urgency } from './time.js';

const STATE_ORDER = { free: 0, busy: 1, on_break: 2, off_shift: 3 };

function flags(job) {
  return [
    job.pinned && h('span', { class: 'flag pinned', title: t('job.pinned') }, '⚑'),
    job.widened && h('span', { class: 'flag', title: t('job.widened') }, '↔'),
    job.escalation_level > 0 && h('span', { class: 'flag esc', title: job.escalation?.effect || '' },
      `⚠${job.escalation_level}`),
    job.incidents > 0 && h('span', { class: 'flag inc', title: t('job.incidents') }, `!${job.incidents}`),
  ];
}

// Table semantics kept for assistive technology whatever the rows' CSS display.
const cell = (attrs, ...children) => h('td', { role: 'cell', ...attrs }, ...children);

export function jobRow(job, open) {
  const { left, band } = urgency(job);
  const target = job.picked_up_at ? 'delivery' : 'pickup';
  return h('tr', {
    role: 'row', class: `job due-${band}`, dataset: { jobId: job.id, status: job.status },
    tabindex: 0, onclick: () => open(job.id),
    onkeydown: (e) => { if (e.key === 'Enter') open(job.id); },
  },
  cell({}, h('span', { class: `prio p-${job.priority}` }, t(`priority.${job.priority}`))),
  cell({ class: 'left', title: t(`due.${target}`) },
    h('strong', {}, minutes(left)), h('small', {}, ` ${t(`due.${target}`)}`)),
  cell({}, t(`kind.${job.kind}`), job.patient_ref && h('small', {}, ` ${job.patient_ref}`)),
  cell({}, `${job.origin} → ${job.destination}`),
  cell({}, job.department),
  cell({}, h('span', { class: `status s-${job.status}` }, t(`status.${job.status}`))),
  cell({ class: 'porters' }, job.porters.join(', ') || '—', ' ', flags(job)),
  cell({}, hm(job.requested_at)));
}

export function porterItem(porter, open, callIn = null) {
  const jobs = porter.jobs.map((j) => h('a', {
    href: `#job=${j.id}`, class: 'held',
    onclick: (e) => { e.preventDefault(); open(j.id); },
  }, `${t(`kind.${j.kind}`)} · ${t(`status.${j.status}`)}`));
  return h('li', { class: 'porter', dataset: { badge: porter.badge, state: porter.state } },
    h('div', { class: 'who' }, h('strong', {}, porter.badge),
      h('small', {}, ` ${porter.group}`)),
    h('span', { class: `state st-${porter.state}` }, t(`state.${porter.state}`)),
    h('div', { class: 'what' }, jobs.length ? jobs : null),
    h('div', { class: 'where' }, porter.location || porter.base || '',
      porter.shift_ends_at && h('small', {}, ` ${t('porter.until', { time: hm(porter.shift_ends_at) })}`)),
    callIn && porter.state === 'off_shift' && !porter.retired && h('button', {
      type: 'button', class: 'call-in', dataset: { action: 'call-in' }, onclick: () => callIn(porter),
    }, t('callin.button')));
}

export function renderPorters(list, counts, porters, { showOff, open, callIn = null }) {
  const sorted = [...porters].sort((a, b) => (STATE_ORDER[a.state] - STATE_ORDER[b.state])
    || a.badge.localeCompare(b.badge));
  const tally = {};
  for (const p of porters) tally[p.state] = (tally[p.state] || 0) + 1;
  fill(counts, Object.keys(STATE_ORDER).map((s) => h('span', { class: `count st-${s}` },
    `${t(`state.${s}`)} ${tally[s] || 0}`)));
  const lang = getLang();
  keyed(list, sorted.filter((p) => showOff || p.state !== 'off_shift'), (p) => p.badge,
    (p) => JSON.stringify([lang, p.state, p.group, p.jobs, p.location, p.base, p.shift_ends_at,
      p.retired, !!callIn]), (p) => porterItem(p, open, callIn), lang);
}
