// The dispatcher's console: the job board and the porter board kept live from the event
// stream, a ward's call taken by phone, one job's page, alerts and today's figures.

import { $, h, fill, options, throttle } from './dom.js';
import { get, query } from './api.js';
import { follow } from './stream.js';
import { t } from './i18n.js';
import { begin, setConn, muteSwitch } from './session.js';
import { renderPorters } from './board.js';
import { jobBoard } from './jobboard.js';
import { jobPage } from './jobpage.js';
import { alerts } from './alerts.js';
import { figures } from './figures.js';
import { datalists, requestForm } from './request.js';
import { CALLERS, callInForm } from './callin.js';

const READ_ONLY = ['planner', 'auditor'];
const STATUSES = ['requested', 'assigned', 'acknowledged', 'in_progress', 'on_hold',
  'completed', 'cancelled', 'failed'];

async function main() {
  const { me, site } = await begin(['dispatcher', 'admin', 'planner', 'auditor']);
  document.body.dataset.role = me.role;
  $('#where').textContent = site.name;
  const v = site.vocabulary;
  const filters = $('#job-filters');
  const porterFilters = $('#porter-filters');

  function vocab() {
    const groups = site.groups.map((g) => g.id);
    options(filters.group, groups, (g) => site.groups.find((x) => x.id === g).name, t('filter.all_groups'));
    options(filters.priority, v.priorities, (p) => t(`priority.${p}`), t('filter.all_priorities'));
    options(filters.kind, v.kinds, (k) => t(`kind.${k}`), t('filter.all_kinds'));
    options(filters.status, STATUSES, (s) => t(`status.${s}`), t('filter.open'));
    options(porterFilters.group, groups, (g) => site.groups.find((x) => x.id === g).name, t('filter.all_groups'));
  }
  vocab();

  const page = jobPage($('#job-page'), {
    me, site, onClose: () => { if (location.hash) history.replaceState(null, '', location.pathname); },
  });
  const open = (id) => { history.replaceState(null, '', `#job=${id}`); page.open(id); };
  const fromHash = () => {
    const m = /^#job=([0-9a-f-]{36})$/.exec(location.hash);
    if (m) page.open(m[1]);
  };
  window.addEventListener('hashchange', fromHash);

  const callIn = CALLERS.includes(me.role)
    ? callInForm($('#call-in'), { onDone: () => refreshPorters() }) : null;
  const board = jobBoard({
    tbody: $('#job-board tbody'), filters, priorities: v.priorities, open,
    onDrawn: (shown, count) => {
      $('#jobs-empty').hidden = count > 0;
      $('#job-count').textContent = String(count);
      const more = $('#jobs-more');
      more.hidden = shown === count;
      if (!more.hidden) more.textContent = t('jobs.more', { shown, count });
    },
  });
  // The porter board and the figures are read again on changes too, less often than the
  // job board's rows move: each read costs the server, which is busiest when they move.
  const refreshPorters = throttle(async () => {
    const porters = await get(`/porters${query({ group: porterFilters.group.value })}`);
    renderPorters($('#porter-board'), $('#porter-counts'), porters,
      { showOff: porterFilters.off.checked, open, callIn: callIn && callIn.open });
    fill($('#porter-badges'), porters.filter((p) => p.state !== 'off_shift')
      .map((p) => h('option', { value: p.badge, label: `${p.group} · ${t(`state.${p.state}`)}` })));
  }, 250, 3);
  const refreshFigures = throttle(() => figures($('#figures'), v.priorities), 3000, 5);
  const refreshAll = () => { board.read(); refreshPorters(); refreshFigures(); };

  filters.addEventListener('change', () => board.reset());
  porterFilters.addEventListener('change', refreshPorters);
  window.addEventListener('dispatch:lang', () => {
    vocab(); board.redraw(); refreshAll(); page.refresh();
  });

  const bell = alerts($('#alert-list'), {
    audience: me.role === 'admin' ? ['dispatch', 'supervisor'] : ['dispatch'], open,
  });
  muteSwitch($('#mute'));
  $('#clear-alerts').addEventListener('click', () => bell.clear());

  // A ward's call, taken by the desk: only those who may submit see the button.
  const intake = $('#intake');
  document.body.append(...datalists(site, await get('/site/locations')));
  if (READ_ONLY.includes(me.role)) $('#new-call').hidden = true;
  $('#new-call').addEventListener('click', () => {
    intake.hidden = !intake.hidden;
    if (!intake.hidden) $('#intake-form [name=department]')?.focus();
  });
  intake.querySelector('.close').addEventListener('click', () => { intake.hidden = true; });
  requestForm($('#intake-form'), { site, onDone: (job) => { board.read(); open(job.id); } });

  follow((event, data) => {
    if (event === 'hello') { refreshAll(); return; }
    if (event === 'alert') { bell.system(data); return; }
    bell.take(data);
    if (data.id && page.current === data.id) page.refresh();
    board.apply(data);
    refreshPorters();
    if (['Job.Completed', 'Job.Submitted', 'Job.Cancelled', 'Job.PickedUp'].includes(data.type)) refreshFigures();
  }, setConn);
  setInterval(() => { board.read(); refreshPorters(); }, 30000); // minutes left move on
  setInterval(refreshFigures, 60000);
  refreshAll();
  fromHash();
}

main();
