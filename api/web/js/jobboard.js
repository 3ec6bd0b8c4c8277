// The desk's job board, live at 50 jobs a second. Re-reading the board on every change
// put a server read (hundreds of milliseconds under that load) and a redraw of every row
// between an event and its row, and the board fell seconds behind. Now:
// - each change the stream carries is applied to its row at once: a job submitted
//   appears, assigned shows its porters, picked up its delivery minutes, done leaves;
// - the board is still re-read (one read at a time, at most every READ_GAP ms) for all a
//   change does not say (minutes left, escalations, order): a row a change made newer,
//   by the job's version, keeps the change until a read catches up with it;
// - the slower a read, the longer until the next (the server is busiest then);
// - drawing waits for the next animation frame (and DRAW_GAP after the last draw),
//   however many changes came before it; rows whose content did not change are left in
//   place, and at most the MAX_ROWS most urgent are drawn.

import { keyed, throttle } from './dom.js';
import { get, query } from './api.js';
import { getLang } from './i18n.js';
import { urgency } from './time.js';
import { jobRow } from './board.js';

const READ_GAP = 1000;
const READ_SLOW = 3; // a read that took a second waits three before the next
const DRAW_GAP = 100;
const MAX_ROWS = 10000; // a bound on the page's memory; a board this long is read by filters
const OPEN = new Set(['requested', 'assigned', 'acknowledged', 'in_progress', 'on_hold']);
const minutesBetween = (due, at) => Math.round((Date.parse(due) - Date.parse(at)) / 6000) / 10;

// What a change does to a job as the board shows it; null when it says too little (an
// escalation, a reschedule, a delay lifted), and the next read of the board will tell.
function patch(job, c) {
  switch (c.type) {
    case 'Job.Assigned': return { status: 'assigned', porters: c.badges || [], pinned: !!c.pinned };
    case 'Job.Acknowledged': return c.all_acknowledged ? { status: 'acknowledged' } : {};
    case 'Job.PickedUp': return {
      status: 'in_progress', picked_up_at: c.at, minutes_to_pickup: null,
      minutes_to_delivery: minutesBetween(job.delivery_due, c.at),
    };
    case 'Job.Held': return { status: 'on_hold' };
    case 'Job.Released': return { status: 'requested', porters: [], pinned: false };
    case 'Job.Completed': return { status: 'completed' };
    case 'Job.Cancelled': return { status: 'cancelled' };
    case 'Job.Failed': return { status: 'failed' };
    default: return null;
  }
}

// A job first seen on the stream, as the board would answer it then.
function submitted(c) {
  const r = c.request || {};
  return {
    id: c.id, version: c.version, status: 'requested', kind: r.kind, priority: c.priority,
    group: r.group, department: r.department, origin: r.origin, destination: r.destination,
    patient_ref: r.patient_ref ?? null, porters: [], requested_at: c.at, ready_at: r.ready_at ?? null,
    pickup_due: c.pickup_due, delivery_due: c.delivery_due, picked_up_at: null,
    minutes_to_pickup: minutesBetween(c.pickup_due, c.at),
    minutes_to_delivery: minutesBetween(c.delivery_due, c.at),
    pinned: false, widened: false, escalation_level: 0, incidents: 0,
  };
}

export function jobBoard({ tbody, filters, priorities, open, onDrawn }) {
  // id -> { job, changed }: `changed`, how many reads had begun when a change last
  // touched the job (0 for a job as a read gave it); a read begun later knows better.
  const jobs = new Map();
  let reads = 0;
  let frame = 0;
  const rank = new Map(priorities.map((p, i) => [p, i]));

  function filter() {
    const f = filters.elements;
    const [status, group, priority, kind] = [f.status.value, f.group.value, f.priority.value,
      f.kind.value];
    return (job) => (status ? job.status === status : OPEN.has(job.status))
      && (!group || job.group === group) && (!priority || job.priority === priority)
      && (!kind || job.kind === kind);
  }

  // The server's order: most urgent priority, then the earliest pickup due, then the id.
  const due = new WeakMap();
  const dueOf = (job) => {
    let at = due.get(job);
    if (at === undefined) { at = Date.parse(job.pickup_due); due.set(job, at); }
    return at;
  };
  const order = (a, b) => (rank.get(a.priority) ?? 9) - (rank.get(b.priority) ?? 9)
    || dueOf(a) - dueOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  function draw() {
    frame = 0;
    const list = [...jobs.values()].map((e) => e.job).filter(filter()).sort(order);
    const lang = getLang();
    keyed(tbody, list.slice(0, MAX_ROWS), (j) => j.id, (j) => {
      const { left, band } = urgency(j);
      return JSON.stringify([lang, j.status, j.priority, j.kind, j.patient_ref, j.origin,
        j.destination, j.department, j.porters, j.pinned, j.widened, j.escalation_level,
        j.escalation?.effect, j.incidents, !!j.picked_up_at, Math.round(left ?? 0), band,
        j.requested_at]);
    }, (j) => jobRow(j, open), lang);
    onDrawn?.(Math.min(list.length, MAX_ROWS), list.length);
  }
  // One draw per animation frame at most, and not within DRAW_GAP of the last: at 50 jobs
  // a second a change comes every few milliseconds, and each draw costs the browser a
  // layout of the whole board, whatever the number of rows that changed.
  let drawn = -Infinity;
  const redraw = () => {
    if (frame) return;
    frame = -1;
    setTimeout(() => { frame = requestAnimationFrame(() => { drawn = performance.now(); draw(); }); },
      Math.max(0, drawn + DRAW_GAP - performance.now()));
  };

  const read = throttle(async () => {
    const f = filters.elements;
    const since = ++reads;
    const answer = await get(`/jobs${query({ group: f.group.value, priority: f.priority.value,
      kind: f.kind.value, status: f.status.value })}`);
    const fresh = new Set();
    for (const job of answer) {
      fresh.add(job.id);
      const mine = jobs.get(job.id);
      if (!mine || mine.job.version <= job.version) jobs.set(job.id, { job, changed: 0 });
    }
    // Not in the answer: gone, unless a change came after this read began.
    for (const [id, e] of jobs) if (!fresh.has(id) && e.changed < since) jobs.delete(id);
    redraw();
  }, READ_GAP, READ_SLOW);

  return {
    read,
    redraw,
    // Filters changed: start again from a read of what they ask for.
    reset() { jobs.clear(); redraw(); read(); },
    // One change off the stream: its row at once, and a read soon for the rest.
    apply(c) {
      if (!c.type?.startsWith('Job.')) return;
      const mine = jobs.get(c.id);
      if (c.type === 'Job.Submitted' && !mine) {
        jobs.set(c.id, { job: submitted(c), changed: reads });
      } else if (mine && c.version > mine.job.version) {
        const change = patch(mine.job, c);
        if (change) jobs.set(c.id, { job: { ...mine.job, ...change, version: c.version }, changed: reads });
      }
      redraw();
      read();
    },
  };
}
