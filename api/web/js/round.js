// One dispatch round opened up: what it knew (the jobs and porters it considered, as it
// knew them), what it chose and at what cost, what it left waiting and why, the pairs
// each rule excluded, and the overrides it met; for one of its jobs, every porter with
// the rules that kept them out or what they would have cost. Its replay re-solves the
// stored inputs, so an auditor can see for themselves that the record holds.

import { h, fill, toast } from './dom.js';
import { get } from './api.js';
import { t } from './i18n.js';
import { dayHm, hm, hms } from './time.js';

const num = (x, digits = 1) => (x === null || x === undefined ? '—' : Number(x).toFixed(digits));

export function costs(breakdown) {
  return Object.entries(breakdown || {}).filter(([, v]) => Math.abs(v) > 1e-9)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' · ');
}

function facts(d) {
  const rows = [
    ['round.made_at', `${dayHm(d.made_at)} (${hms(d.made_at)})`],
    ['round.trigger', d.trigger.replaceAll('+', ' + ')],
    ['round.policy', `v${d.policy_version}`],
    ['round.solver', [d.status, d.strategy, d.method].filter(Boolean).join(' · ')],
    ['round.objective', num(d.objective, 2)],
    ['round.seed', d.params?.seed ?? '—'],
    ['round.fingerprint', d.fingerprint ? d.fingerprint.slice(0, 16) : '—'],
  ];
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, String(v))]));
}

function outcome(j) {
  if (j.outcome === 'waiting') return h('span', { class: 'waits' }, `${t('outcome.waiting')}: ${j.reason || ''}`);
  return h('span', {}, `${t(`outcome.${j.outcome}`)} → `, h('strong', {}, j.badges.join(', ')));
}

function jobsTable(d, selected, go) {
  return h('table', { class: 'round-jobs' },
    h('thead', {}, h('tr', {}, ['col.priority', 'col.kind', 'col.route', 'round.group', 'round.outcome',
      'round.cost', 'round.eligible'].map((k) => h('th', {}, t(k))))),
    h('tbody', {}, d.jobs.map((j) => {
      const open = () => go({ round: d.number, job: j.id });
      return h('tr', {
        class: `job-in-round${j.id === selected ? ' selected' : ''}`, dataset: { jobId: j.id, outcome: j.outcome },
        tabindex: 0, onclick: open, onkeydown: (e) => { if (e.key === 'Enter') open(); },
      },
      h('td', {}, h('span', { class: `prio p-${j.priority}` }, t(`priority.${j.priority}`))),
      h('td', {}, t(`kind.${j.kind}`), j.porters_needed > 1 ? ' ×2' : ''),
      h('td', {}, `${j.origin} → ${j.destination}`),
      h('td', {}, j.group, j.widened ? ' ↔' : ''),
      h('td', {}, outcome(j)),
      h('td', { class: 'num' }, num(j.cost)),
      h('td', { class: 'num' }, j.eligible_porters ?? '—'));
    })));
}

function state(p) {
  if (!p.on_shift) return t('state.off_shift');
  if (p.on_break) return t('state.on_break');
  return p.active_jobs ? t('round.holding', { n: p.active_jobs }) : t('state.free');
}

function portersTable(d) {
  return h('table', { class: 'round-porters' },
    h('thead', {}, h('tr', {}, ['round.badge', 'round.group', 'round.state', 'round.where',
      'round.shift_ends', 'round.given', 'round.could_take'].map((k) => h('th', {}, t(k))))),
    h('tbody', {}, d.porters.map((p) => h('tr', { dataset: { badge: p.badge } },
      h('td', {}, h('strong', {}, p.badge)), h('td', {}, p.group), h('td', {}, state(p)),
      h('td', {}, p.location || '—'), h('td', {}, p.shift_ends_at ? hm(p.shift_ends_at) : '—'),
      h('td', { class: 'num' }, p.given.length || ''), h('td', { class: 'num' }, p.eligible_jobs ?? '—')))));
}

function exclusions(d) {
  const rules = Object.entries(d.exclusions).filter(([, n]) => n > 0);
  return h('section', { class: 'exclusions' }, h('h3', {}, t('round.exclusions')),
    rules.length ? h('ul', { class: 'rules' }, rules.map(([rule, n]) => h('li', { dataset: { rule } },
      h('strong', {}, t(`rule.${rule}`)), ` ${t('round.pairs', { n })}`)))
      : h('p', { class: 'muted' }, t('round.no_exclusions')));
}

function overrides(d) {
  if (!d.overrides.length) return null;
  return h('section', { class: 'overrides' }, h('h3', {}, t('round.overrides_title')),
    h('ul', {}, d.overrides.map((o) => h('li', {},
      h('time', {}, hm(o.at)), ' ', t('round.override_line', {
        engine: o.engine_choice.join(', '), chosen: o.porter_ids.join(', '), by: o.by,
      }), o.reason && h('small', {}, ` · ${o.reason}`)))));
}

// One job's options in the round: every porter, chosen, eligible at a cost, or excluded.
function options(o, go) {
  const j = o.job;
  return h('section', { class: 'options', dataset: { jobId: j.id } },
    h('h3', {}, t('round.options', { kind: t(`kind.${j.kind}`), route: `${j.origin} → ${j.destination}` })),
    h('p', {}, outcome(j), ' · ', t('round.leave_cost', { cost: num(o.leave_cost) }), ' · ',
      h('a', { href: `#job=${j.id}`, onclick: (e) => { e.preventDefault(); go({ job: j.id }); } },
        t('audit.story_link'))),
    j.declined_by.length ? h('p', { class: 'muted' }, t('round.declined_by', { who: j.declined_by.join(', ') })) : null,
    h('table', { class: 'round-options' },
      h('thead', {}, h('tr', {}, ['round.badge', 'round.verdict', 'round.cost', 'round.why_not']
        .map((k) => h('th', {}, t(k))))),
      h('tbody', {}, o.options.map((p) => {
        const verdict = p.chosen ? 'chosen' : (p.eligible ? 'eligible' : 'excluded');
        return h('tr', { class: `opt-${verdict}`, dataset: { badge: p.badge, verdict } },
          h('td', {}, h('strong', {}, p.badge)),
          h('td', {}, t(`verdict.${verdict}`)),
          h('td', { class: 'num', title: costs(p.breakdown) }, p.eligible ? num(p.cost) : ''),
          h('td', { class: 'why-not' }, p.violations.length
            ? h('ul', {}, p.violations.map((v) => h('li', { dataset: { rule: v.rule } },
              h('strong', {}, t(`rule.${v.rule}`)), `: ${v.reason}`)))
            : h('small', { class: 'costs' }, costs(p.breakdown))));
      }))));
}

export function roundView(root, { go }) {
  let current = null;
  const close = () => { current = null; root.hidden = true; };
  async function render(number, job) {
    const key = `${number}/${job}`;
    current = key;
    const [d, o] = await Promise.all([get(`/decisions/${number}`),
      job ? get(`/decisions/${number}/jobs/${job}`).catch(() => null) : null]);
    if (current !== key) return;
    const verdict = h('span', { class: 'replay-verdict', role: 'status' });
    const replay = h('button', { type: 'button', class: 'replay', onclick: async () => {
      try {
        const r = await get(`/decisions/${number}/replay`);
        const ok = r.same_assignments && r.same_objective;
        verdict.className = `replay-verdict ${ok ? 'same' : 'differs'}`;
        verdict.textContent = ok ? t('round.replay_same') : t('round.replay_differs');
      } catch (error) { toast(error.message, 'bad'); }
    } }, t('round.replay'));
    fill(root,
      h('header', {}, h('h2', {}, t('round.title', { n: d.number })), h('span', { class: 'spacer' }),
        h('button', { class: 'close', 'aria-label': t('close'), onclick: () => go({}) }, '×')),
      facts(d), h('p', { class: 'replay-box' }, replay, ' ', verdict),
      o && options(o, go),
      h('h3', {}, t('round.jobs_title', { n: d.jobs.length })), h('div', { class: 'scroll' }, jobsTable(d, job, go)),
      h('h3', {}, t('round.porters_title', { n: d.porters.length })), h('div', { class: 'scroll' }, portersTable(d)),
      exclusions(d), overrides(d));
    root.hidden = false;
    if (o) root.querySelector('.options').scrollIntoView({ block: 'nearest' });
  }
  return {
    open: render,
    close,
  };
}
