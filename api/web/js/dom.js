// Small DOM helpers: elements are built, never parsed from strings, so nothing the API
// answers is ever read as markup.

export const $ = (selector, root = document) => root.querySelector(selector);

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function fill(el, ...children) {
  el.replaceChildren();
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

export function options(select, values, label, blank = null) {
  const keep = select.value;
  fill(select, blank === null ? [] : h('option', { value: '' }, blank),
    values.map((v) => h('option', { value: v }, label(v))));
  if (keep && values.includes(keep)) select.value = keep;
}

// A field in a form: <label data-field="name"> ... <small class="error"></small></label>.
// The API names the field at fault as the request did, so its answer lands beside it.
export function field(name, label, control, hint = null) {
  return h('label', { class: 'field', dataset: { field: name } },
    h('span', { class: 'label' }, label), control,
    hint && h('small', { class: 'hint' }, hint),
    h('small', { class: 'error', role: 'alert' }));
}

export function clearProblems(form) {
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  for (const el of form.querySelectorAll('.error')) el.textContent = '';
}

export function showProblem(form, error, fallback) {
  clearProblems(form);
  const name = error.field;
  let at = null;
  for (let n = name; n && !at; n = n.includes('.') ? n.slice(0, n.lastIndexOf('.')) : null) {
    at = form.querySelector(`[data-field="${CSS.escape(n)}"]`);
  }
  at = at || form.querySelector('[data-field="_form"]');
  if (!at) return;
  at.classList.add('invalid');
  const slot = at.querySelector('.error');
  if (slot) slot.textContent = fallback ? fallback(error) : error.message;
  at.querySelector('input, select, textarea')?.focus();
}

export function formError() {
  return h('div', { class: 'form-error', dataset: { field: '_form' } },
    h('small', { class: 'error', role: 'alert' }));
}

export function toast(text, kind = 'info') {
  let box = $('#toasts');
  if (!box) { box = h('div', { id: 'toasts', 'aria-live': 'polite' }); document.body.append(box); }
  const item = h('div', { class: `toast ${kind}` }, text);
  box.append(item);
  setTimeout(() => item.remove(), 6000);
}

// At most one run at a time; calls while one runs make one more run after it.
export function coalesce(fn, wait = 120) {
  let running = false;
  let again = false;
  let timer = null;
  async function run() {
    if (running) { again = true; return; }
    running = true;
    try { await fn(); } catch (e) { console.warn(e); } finally {
      running = false;
      if (again) { again = false; schedule(); }
    }
  }
  function schedule() {
    if (!timer) timer = setTimeout(() => { timer = null; run(); }, wait);
  }
  return schedule;
}

// At most one run at a time, starts at least `gap` ms apart, and at least `slow` times as
// long apart as the last run took: a call when idle runs at once (no wait before the first
// read of a quiet board), calls meanwhile make one more run, as soon as allowed. What a
// live board needs from a server that may be slow to answer: the slower it answers, the
// less often it is asked.
export function throttle(fn, gap, slow = 0) {
  let running = false;
  let again = false;
  let timer = null;
  let last = -Infinity;
  let took = 0;
  async function run() {
    timer = null;
    running = true;
    last = performance.now();
    try { await fn(); } catch (e) { console.warn(e); } finally {
      running = false;
      took = performance.now() - last;
      if (again) { again = false; schedule(); }
    }
  }
  function schedule() {
    if (running) { again = true; return; }
    const wait = Math.max(gap, slow * took);
    if (!timer) timer = setTimeout(run, Math.max(0, last + wait - performance.now()));
  }
  return schedule;
}

// `parent`'s children as `items`, one element each by `key(item)`: an element is built
// again only when `sig(item)` changed (not even asked when the item is the very object
// drawn last time, in the same `epoch`: the language, say) and moved only when out of
// place; the rest are left alone, so a refresh of a long board costs the browser only the
// rows that changed.
const KEYED = new WeakMap();
export function keyed(parent, items, key, sig, build, epoch = null) {
  const before = KEYED.get(parent) || new Map();
  const after = new Map();
  let at = parent.firstChild;
  for (const item of items) {
    const k = key(item);
    let entry = before.get(k);
    if (!entry || entry.item !== item || entry.epoch !== epoch) {
      const s = sig(item);
      entry = entry && entry.sig === s ? { ...entry, item, epoch }
        : { el: build(item), sig: s, item, epoch };
    }
    after.set(k, entry);
    if (entry.el === at) at = at.nextSibling;
    else parent.insertBefore(entry.el, at);
  }
  for (const [k, entry] of before) if (after.get(k)?.el !== entry.el) entry.el.remove();
  KEYED.set(parent, after);
}

// Re-render `root` by `draw()` keeping what was typed in its forms (a refresh pushed by
// the stream must not wipe a half-written reason), and the focus.
export function keepTyping(root, draw) {
  const where = (el) => `${el.closest('[data-job-id]')?.dataset.jobId}/${el.form?.className}/${el.name}`;
  const typed = new Map();
  let focused = null;
  for (const el of root.querySelectorAll('form [name]')) {
    typed.set(where(el), el.type === 'checkbox' ? el.checked : el.value);
    if (el === document.activeElement) focused = where(el);
  }
  draw();
  for (const el of root.querySelectorAll('form [name]')) {
    const key = where(el);
    if (typed.has(key)) {
      if (el.type === 'checkbox') el.checked = typed.get(key); else el.value = typed.get(key);
    }
    if (key === focused) el.focus();
  }
}
