// Times in the hospital's timezone, whatever the device's: the API answers ISO times with
// offsets, and a time typed into a form means the hospital's wall clock.

import { locale } from './i18n.js';

let zone = 'UTC';
export const setZone = (z) => { zone = z; };
export const getZone = () => zone;

const pad = (n) => String(n).padStart(2, '0');

// A formatter costs far more to make than to use, and a busy board formats hundreds of
// times a second: one per language, zone and pattern, kept.
const formatters = new Map();
function formatter(options) {
  const key = `${locale()}|${zone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), { timeZone: zone, hourCycle: 'h23', ...options });
    formatters.set(key, f);
  }
  return f;
}

function fmt(iso, options) {
  if (!iso) return '';
  return formatter(options).format(new Date(iso));
}

export const hm = (iso) => fmt(iso, { hour: '2-digit', minute: '2-digit' });
export const hms = (iso) => fmt(iso, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
export const dayHm = (iso) => fmt(iso, {
  month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
});

const walls = new Map();
function wall(ms) {
  const parts = {};
  let f = walls.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    walls.set(zone, f);
  }
  for (const { type, value } of f.formatToParts(new Date(ms))) parts[type] = value;
  return parts;
}

function offsetAt(ms) {
  const p = wall(ms);
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

// 'YYYY-MM-DDTHH:MM' on the hospital's clock -> ISO with that moment's offset.
export function zonedIso(local) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || '');
  if (!m) return null;
  const w = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let off = offsetAt(w);
  off = offsetAt(w - off);
  const sign = off >= 0 ? '+' : '-';
  const mins = Math.abs(off) / 60000;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${sign}${pad(Math.floor(mins / 60))}:${pad(mins % 60)}`;
}

// The hospital's wall clock at `ms`, as a datetime-local input wants it.
export function localInput(ms = Date.now()) {
  const p = wall(ms);
  return `${p.year}-${p.month}-${p.day}T${pad(+p.hour % 24)}:${p.minute}`;
}

export const today = () => localInput().slice(0, 10);

export function minutes(value) {
  if (value === null || value === undefined) return '';
  const m = Math.round(value);
  return m < 0 ? `−${-m}′` : `${m}′`;
}

// How pressing a job is: minutes left to its next target (pickup, or delivery once picked up).
export function urgency(job) {
  const left = job.picked_up_at ? job.minutes_to_delivery : job.minutes_to_pickup;
  if (left === null || left === undefined) return { left, band: 'none' };
  const band = left < 0 ? 'over' : left < 5 ? 'soon' : left < 15 ? 'near' : 'ok';
  return { left, band };
}
