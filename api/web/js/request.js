// The request form, the same for a ward's own page and for the desk taking a ward's call:
// what the API takes (`POST /jobs`), with the site's locations and departments to search,
// and the API's answer about a field shown beside that field. One idempotency key per
// request: a retry after a lost answer finds the job the first attempt made.

import { h, field, formError, options, showProblem, clearProblems } from './dom.js';
import { ApiError, Offline, call, newKey } from './api.js';
import { t } from './i18n.js';
import { zonedIso } from './time.js';

const label = (key) => h('span', { 'data-i18n': key }, t(key));

function lf(name, key, control) {
  const el = field(name, '', control);
  el.querySelector('.label').replaceWith(label(key));
  return el;
}

export function datalists(site, locations) {
  const depts = new Map(site.departments.map((d) => [d.id, d.name]));
  const where = (l) => [l.building, l.floor !== undefined ? `F${l.floor}` : '', l.room,
    l.department ? depts.get(l.department) || l.department : ''].filter(Boolean).join(' · ');
  return [
    h('datalist', { id: 'locations' },
      locations.map((l) => h('option', { value: l.code, label: where(l) }))),
    h('datalist', { id: 'departments' },
      site.departments.map((d) => h('option', { value: d.id, label: d.name }))),
  ];
}

// Builds the form's fields; `department` fixes it (a ward's page), else it is asked for.
export function requestForm(form, { site, department = null, onDone }) {
  const v = site.vocabulary;
  const sel = (name) => h('select', { name });
  const kind = sel('kind');
  const priority = sel('priority');
  const mode = sel('mode');
  const accompaniment = sel('accompaniment');
  const group = sel('group');
  const equipment = h('div', { class: 'checks' }, site.equipment.map((e) => h('label', {},
    h('input', { type: 'checkbox', name: 'equipment', value: e.id }), e.name)));
  const needed = sel('porters_needed');
  needed.append(new Option('1', '1'), new Option('2', '2'));
  const text = (name, attrs = {}) => h('input', { name, autocomplete: 'off', ...attrs });

  form.noValidate = true;
  form.classList.add('request');
  form.replaceChildren(
    h('div', { class: 'row' }, lf('kind', 'f.kind', kind), lf('priority', 'f.priority', priority)),
    department
      ? h('input', { type: 'hidden', name: 'department', value: department })
      : h('div', { class: 'row' },
        lf('department', 'f.department', text('department', { list: 'departments' })),
        lf('group', 'f.group', group)),
    h('div', { class: 'row' },
      lf('origin', 'f.origin', text('origin', { list: 'locations' })),
      lf('destination', 'f.destination', text('destination', { list: 'locations' }))),
    h('div', { class: 'row' },
      lf('patient_ref', 'f.patient_ref', text('patient_ref', { placeholder: 'P-004711' })),
      lf('ready_at', 'f.ready_at', h('input', { type: 'datetime-local', name: 'ready_at' }))),
    h('div', { class: 'row' },
      lf('requirements.mode', 'f.mode', mode),
      lf('requirements.accompaniment', 'f.accompaniment', accompaniment),
      lf('requirements.porters_needed', 'f.porters_needed', needed)),
    h('div', { class: 'row' },
      lf('requirements.isolation', 'f.isolation',
        h('input', { type: 'checkbox', name: 'isolation' })),
      lf('with_return', 'f.with_return', h('input', { type: 'checkbox', name: 'with_return' }))),
    lf('requirements.equipment', 'f.equipment', equipment),
    lf('notes', 'f.notes', h('textarea', { name: 'notes', rows: 2 })),
    formError(),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', 'data-i18n': 'f.submit' }, t('f.submit')),
      h('span', { class: 'sent', role: 'status' })),
  );

  function vocab() {
    options(kind, v.kinds, (k) => t(`kind.${k}`));
    options(priority, v.priorities, (p) => t(`priority.${p}`));
    const routine = priority.querySelector('option[value=routine]');
    if (routine) routine.defaultSelected = true;
    options(mode, v.modes, (m) => t(`mode.${m}`));
    options(accompaniment, v.accompaniments, (a) => t(`acc.${a}`));
    options(group, site.groups.map((g) => g.id),
      (g) => site.groups.find((x) => x.id === g).name, t('f.group_serving'));
  }
  vocab();
  priority.value = 'routine';
  window.addEventListener('dispatch:lang', vocab);

  let key = null;
  let unanswered = false; // an attempt whose answer never came: keep its key for the retry
  form.addEventListener('input', () => { if (!unanswered) key = null; });

  function body() {
    const f = form.elements;
    const out = {
      kind: f.kind.value, priority: f.priority.value, department: f.department.value.trim(),
      origin: f.origin.value.trim(), destination: f.destination.value.trim(),
      requirements: {
        mode: f.mode.value, accompaniment: f.accompaniment.value,
        porters_needed: Number(f.porters_needed.value), isolation: f.isolation.checked,
        equipment: Array.from(form.querySelectorAll('[name=equipment]:checked'), (c) => c.value),
      },
    };
    if (f.group && f.group.value) out.group = f.group.value;
    if (f.patient_ref.value.trim()) out.patient_ref = f.patient_ref.value.trim();
    if (f.ready_at.value) out.ready_at = zonedIso(f.ready_at.value);
    if (f.notes.value.trim()) out.notes = f.notes.value.trim();
    if (f.with_return.checked) out.with_return = true;
    return out;
  }

  const sent = form.querySelector('.sent');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    sent.textContent = t('f.sending');
    key = key || newKey();
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      const job = await call('POST', '/jobs', { body: body(), key });
      unanswered = false;
      key = null;
      sent.textContent = t('f.sent', { what: `${t(`kind.${job.kind}`)} ${job.origin} → ${job.destination}` });
      const keep = form.elements.department.value;
      form.reset();
      form.elements.department.value = keep;
      vocab();
      onDone?.(job);
    } catch (error) {
      sent.textContent = '';
      if (error instanceof Offline) {
        unanswered = true;
        showProblem(form, { field: '_form', message: t('offline.request') });
      } else if (error instanceof ApiError) {
        unanswered = false;
        showProblem(form, error);
      } else throw error;
    } finally {
      button.disabled = false;
    }
  });
}
