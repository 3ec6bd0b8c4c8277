// Today's figures at a glance, on the hospital's clock: jobs by state and median minutes,
// then three charts: the share picked up and delivered on time by priority, the waits to
// pickup by the hour they were asked for, and each porter's workload (jobs weighted by
// kind and distance, as pay and assessment count it).

import { h, fill } from './dom.js';
import { get } from './api.js';
import { t } from './i18n.js';
import { localInput, today } from './time.js';
import { barRows, hourColumns } from './charts.js';

const TOP_PORTERS = 8;

function number(label, value) {
  return h('div', { class: 'number' }, h('strong', {}, value ?? '—'), h('small', {}, label));
}

const pct = (share) => (share === null ? '—' : `${Math.round(share * 100)}%`);

function slaChart(f, priorities) {
  const none = { met: 0, breached: 0, share: null };
  const bar = (stage, s) => ({
    value: s.share, max: 1, cls: stage, text: pct(s.share),
    tip: `${t(`due.${stage}`)}: ${t('figures.met', { met: s.met, of: s.met + s.breached })}`,
  });
  return barRows('chart-sla', t('figures.sla'), priorities.map((p) => {
    const s = f.sla.by_priority[p] || { pickup: none, delivery: none };
    return { label: t(`priority.${p}`), key: p, bars: [bar('pickup', s.pickup), bar('delivery', s.delivery)] };
  }));
}

function waitsChart(f) {
  const hours = {};
  for (const [hour, m] of Object.entries(f.waits_by_hour)) {
    hours[hour] = {
      value: m.p50, high: m.p90,
      tip: t('figures.wait_tip', { hour, p50: Math.round(m.p50), p90: Math.round(m.p90), n: m.count }),
    };
  }
  return hourColumns('chart-waits', t('figures.waits'), hours, { now: localInput().slice(11, 13), unit: '′' });
}

function workloadChart(porters) {
  const busy = porters.filter((p) => p.completed > 0).sort((a, b) => b.workload - a.workload
    || a.badge.localeCompare(b.badge)).slice(0, TOP_PORTERS);
  if (!busy.length) return h('p', { class: 'empty' }, t('figures.no_workload'));
  const max = busy[0].workload;
  return barRows('chart-workload', t('figures.workload'), busy.map((p) => ({
    label: p.badge, key: p.badge,
    bars: [{
      value: p.workload, max, cls: 'work', text: `${p.completed} · ${p.workload.toFixed(1)}`,
      tip: Object.entries(p.by_kind).map(([k, n]) => `${t(`kind.${k}`)} ${n}`).join(', '),
    }],
  })), { labelWidth: 78, valueWidth: 58 });
}

function box(name, heading, chart, legend = null) {
  return h('div', { class: `chart-box ${name}` }, h('h3', {}, heading), legend, chart);
}

export async function figures(root, priorities) {
  const day = today();
  const [f, porters] = await Promise.all([get(`/figures?from=${day}`), get(`/figures/porters?from=${day}`)]);
  const m = (x) => (x.p50 === null ? null : `${Math.round(x.p50)}′`);
  fill(root,
    h('h2', {}, t('figures.title')),
    h('div', { class: 'numbers' },
      number(t('figures.submitted'), f.jobs.submitted),
      number(t('figures.open'), f.jobs.open),
      number(t('figures.completed'), f.jobs.completed),
      number(t('figures.to_pickup'), m(f.minutes.to_pickup)),
      number(t('figures.to_delivery'), m(f.minutes.to_delivery))),
    box('sla', t('figures.sla'), slaChart(f, priorities), h('p', { class: 'legend' },
      h('span', { class: 'key pickup' }), t('due.pickup'), ' ', h('span', { class: 'key delivery' }),
      t('due.delivery'))),
    box('waits', t('figures.waits'), waitsChart(f), h('p', { class: 'legend' },
      h('span', { class: 'key wait' }), t('figures.median'), ' ', h('span', { class: 'key high' }),
      t('figures.p90'))),
    box('workload', t('figures.workload'), workloadChart(porters)));
}
