// The desk's alerts: escalations, incidents, breaches, complaints and failures, from the
// notices each change carries; the bell rings for them unless the user muted it.

import { h } from './dom.js';
import { t } from './i18n.js';
import { hm } from './time.js';
import { beep } from './session.js';

const LOUD = new Set(['escalation', 'incident', 'failed', 'dispatch_failing']);
const KEEP = 50;

export function alerts(list, { audience, open }) {
  function add(notice, at) {
    const about = notice.job_id
      ? h('a', { href: `#job=${notice.job_id}`, onclick: (e) => { e.preventDefault(); open(notice.job_id); } },
        notice.text)
      : h('span', {}, notice.text);
    const item = h('li', { class: `alert a-${notice.kind}`, dataset: { kind: notice.kind, jobId: notice.job_id || '' } },
      h('time', {}, hm(at)), ' ',
      h('span', { class: 'kind' }, t(`notice.${notice.kind}`)), ' ',
      about,
      h('button', { class: 'dismiss', 'aria-label': t('alerts.dismiss'), onclick: () => {
        item.remove(); list.closest('section').classList.toggle('quiet', !list.children.length);
      } }, '×'));
    list.prepend(item);
    while (list.children.length > KEEP) list.lastElementChild.remove();
    list.closest('section').classList.remove('quiet');
    beep(LOUD.has(notice.kind) ? 3 : 1);
  }
  return {
    // A change as staff receive it: its notices addressed to this desk.
    take(change) {
      for (const notice of change.notices || []) {
        if (audience.includes(notice.to)) add(notice, change.at);
      }
    },
    // The dispatch loop failing or running again: not a change of the log, no job.
    system(item) { add(item, item.at); },
    clear() { list.replaceChildren(); list.closest('section').classList.add('quiet'); },
  };
}
