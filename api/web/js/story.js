// A job's whole story for an auditor: every event of it, oldest first, each with who did
// it, in which role and for whom (a dispatcher acting for a porter, a desk taking a
// ward's call); every round that considered it and what each did with it, one click from
// that round opened up.

import { h, fill } from './dom.js';
import { get } from './api.js';
import { t } from './i18n.js';
import { dayHm, hms } from './time.js';

// Fields of an event worth a line of their own, with the word that introduces them.
const DETAILS = [
  ['reason', (v) => t(`reason.${v}`)], ['note'], ['handed_over_by'], ['received_by'],
  ['companion'], ['confirmed_by'], ['category', (v) => t(`incident.${v}`)], ['score', (v) => '★'.repeat(v)],
  ['comment'], ['effect'], ['force'],
];

function actor(e) {
  const a = e.actor || (e.by ? { by: e.by, role: null, for: null } : null);
  if (e.event === 'Decision') return h('span', { class: 'actor' }, t('role.engine'));
  if (!a) return null;
  return h('span', { class: 'actor', dataset: { role: a.role || '' } },
    h('strong', {}, a.by), a.role && a.role !== a.by && h('span', { class: 'role' }, t(`role.${a.role}`)),
    a.for && h('span', { class: 'for' }, t('audit.for', { who: a.for })));
}

function what(e, go, job) {
  if (e.event === 'Decision') {
    const open = (ev) => { ev.preventDefault(); go({ round: e.decision, job }); };
    return [h('a', { href: `#round=${e.decision}&job=${job}`, onclick: open }, t('why.round', { n: e.decision })),
      ' ', t(`outcome.${e.outcome}`),
      e.badges?.length ? h('strong', {}, ` → ${e.badges.join(', ')}`) : null,
      e.cost !== undefined && e.cost !== null ? h('small', {}, ` (${e.cost.toFixed(1)})`) : null,
      e.outcome === 'waiting' && e.reason ? h('small', {}, ` · ${e.reason}`) : null];
  }
  const parts = [];
  if (e.event === 'DecisionOverridden') {
    parts.push(` ${e.engine_choice.join(', ')} → `, h('strong', {}, e.badges.join(', ')));
  } else if (e.badges?.length) parts.push(' ', h('strong', {}, e.badges.join(', ')));
  else if (e.badge) parts.push(' ', h('strong', {}, e.badge));
  if (e.level) parts.push(` ${e.level}`);
  for (const [key, word] of DETAILS) {
    if (e[key] === undefined || e[key] === null || e[key] === '') continue;
    if (e.event === 'DecisionOverridden' && key === 'reason') {
      parts.push(h('small', {}, ` · ${e.reason}`));
      continue;
    }
    parts.push(h('small', { dataset: { field: key } }, ` · ${word ? word(e[key]) : e[key]}`));
  }
  return parts;
}

function entry(e, go, job) {
  return h('li', { dataset: { event: e.event } },
    h('time', { title: dayHm(e.at) }, hms(e.at)), ' ',
    h('span', { class: 'event' }, t(`event.${e.event}`)), ' ', what(e, go, job), ' ', actor(e));
}

function rounds(list, entries, go, job) {
  const by = new Map(entries.filter((e) => e.event === 'Decision').map((e) => [e.decision, e]));
  return h('table', { class: 'story-rounds' },
    h('thead', {}, h('tr', {}, ['round.number', 'round.time', 'round.trigger', 'round.outcome', 'round.porters']
      .map((k) => h('th', {}, t(k))))),
    h('tbody', {}, list.map((r) => {
      const e = by.get(r.number);
      const open = () => go({ round: r.number, job });
      return h('tr', { class: 'round', dataset: { number: r.number }, tabindex: 0, onclick: open,
        onkeydown: (ev) => { if (ev.key === 'Enter') open(); } },
      h('td', {}, `#${r.number}`), h('td', {}, hms(r.made_at)),
      h('td', { class: 'trigger' }, r.trigger.replaceAll('+', ' + ')),
      h('td', {}, e ? [t(`outcome.${e.outcome}`), e.badges?.length ? ` → ${e.badges.join(', ')}` : '',
        e.outcome === 'waiting' && e.reason ? h('small', {}, ` · ${e.reason}`) : null] : ''),
      h('td', { class: 'num' }, r.porters_considered));
    })));
}

export function storyView(root, { go }) {
  let current = null;
  async function render() {
    const id = current;
    if (!id) return;
    const [line, considered] = await Promise.all([get(`/jobs/${id}/timeline`),
      get(`/decisions?job=${id}&limit=1000`)]);
    if (current !== id) return;
    const j = line.job;
    fill(root,
      h('header', {}, h('h2', {}, t('audit.story'), ': ', t(`kind.${j.kind}`), ' ',
        h('span', { class: `prio p-${j.priority}` }, t(`priority.${j.priority}`)), ' ',
        h('span', { class: `status s-${j.status}` }, t(`status.${j.status}`))),
      h('span', { class: 'spacer' }),
      h('button', { class: 'close', 'aria-label': t('close'), onclick: () => go({}) }, '×')),
      h('dl', { class: 'facts' }, [
        ['job.route', `${j.origin} → ${j.destination}`],
        ['job.department', `${j.department} · ${j.group}`],
        ['job.patient', j.patient_ref],
        ['job.requested', dayHm(j.requested_at)],
        ['job.porters', j.porters.join(', ')],
        ['audit.job', j.id],
      ].filter(([, v]) => v).map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)])),
      h('h3', {}, t('job.timeline')),
      h('ol', { class: 'story' }, line.entries.map((e) => entry(e, go, id))),
      h('h3', {}, t('audit.rounds_of_job', { n: considered.length })),
      considered.length ? h('div', { class: 'scroll' }, rounds(considered, line.entries, go, id))
        : h('p', { class: 'muted' }, t('audit.no_rounds_for_job')));
    root.hidden = false;
  }
  return {
    open(id) { current = id; return render(); },
    close() { current = null; root.hidden = true; },
    refresh() { render().catch(() => {}); },
    get current() { return current; },
  };
}
