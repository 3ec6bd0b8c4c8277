// Today's figures at a glance: jobs by state, minutes to pickup and delivery, and the share
// delivered within target by priority, as bars.

import { h, fill } from './dom.js';
import { get } from './api.js';
import { t } from './i18n.js';
import { today } from './time.js';

function number(label, value) {
  return h('div', { class: 'number' }, h('strong', {}, value ?? '—'), h('small', {}, label));
}

function bar(label, share) {
  const fillEl = h('span', { class: 'fill' });
  fillEl.style.width = `${Math.round((share.share ?? 0) * 100)}%`; // CSSOM: allowed by the CSP
  const pct = share.share === null ? '—' : `${Math.round(share.share * 100)}%`;
  return h('div', { class: 'sla-bar', title: `${share.met} / ${share.met + share.breached}` },
    h('span', { class: 'label' }, label), h('span', { class: 'track' }, fillEl),
    h('span', { class: 'pct' }, pct));
}

export async function figures(root, priorities) {
  const f = await get(`/figures?from=${today()}`);
  const m = (x) => (x.p50 === null ? null : `${Math.round(x.p50)}′`);
  fill(root,
    h('h2', {}, t('figures.title')),
    h('div', { class: 'numbers' },
      number(t('figures.submitted'), f.jobs.submitted),
      number(t('figures.open'), f.jobs.open),
      number(t('figures.completed'), f.jobs.completed),
      number(t('figures.to_pickup'), m(f.minutes.to_pickup)),
      number(t('figures.to_delivery'), m(f.minutes.to_delivery))),
    h('div', { class: 'bars' }, h('h3', {}, t('figures.sla')),
      priorities.map((p) => bar(t(`priority.${p}`), f.sla.by_priority[p]?.delivery
        || { met: 0, breached: 0, share: null }))));
}
