// Signing in and the header every page shares: the token is asked for once per tab and
// kept in sessionStorage; `/me` says whose it is, and a page for another role says where
// that role's page is instead of showing buttons the API would refuse.

import { $, h, showProblem, clearProblems } from './dom.js';
import { ApiError, Offline, get, setToken, getToken } from './api.js';
import { LANGS, getLang, setLang, t, translate } from './i18n.js';
import { hm, getZone, setZone } from './time.js';

export const HOME = { porter: '/m', ward: '/ward' };
export const homeOf = (role) => HOME[role] || '/';

// The sign-in form and the note for a token of another role: the same on every page, so
// built here once, before the page's own content, rather than written into each page.
function signInSections() {
  if ($('#signin')) return;
  const i18n = (key) => ({ 'data-i18n': key });
  const signin = h('section', { id: 'signin', class: 'card signin', hidden: true },
    h('form', { id: 'signin-form', novalidate: true },
      h('h2', i18n('signin.title'), 'Sign in'),
      h('label', { class: 'field', 'data-field': 'token' },
        h('span', { class: 'label', ...i18n('signin.token') }, 'Bearer token'),
        h('input', { name: 'token', type: 'password', autocomplete: 'off' }),
        h('small', { class: 'error', role: 'alert' })),
      h('button', { type: 'submit', class: 'primary', ...i18n('signin.go') }, 'Sign in'),
      h('p', { class: 'hint', ...i18n('signin.hint') })));
  const wrong = h('section', { id: 'wrongrole', class: 'card signin', hidden: true },
    h('p', i18n('wrongrole.text')),
    h('a', { href: '/', ...i18n('wrongrole.go') }));
  $('#app').before(signin, wrong);
}

function chrome() {
  signInSections();
  const lang = $('#lang');
  lang.replaceChildren(...Object.entries(LANGS).map(([v, label]) => new Option(label, v)));
  lang.value = getLang();
  lang.addEventListener('change', () => setLang(lang.value));
  $('#signout').addEventListener('click', () => { setToken(null); location.reload(); });
  const clock = $('#clock');
  const tick = () => { clock.textContent = `${hm(new Date().toISOString())} · ${getZone()}`; };
  setInterval(tick, 10000);
  window.addEventListener('dispatch:lang', tick);
  return tick;
}

// The stream's state, as the chip shows it: a device that knows it is offline says so,
// whatever an old connection still claims.
let conn = 'offline';
function showConn() {
  const chip = $('#conn');
  const state = navigator.onLine ? conn : 'offline';
  chip.dataset.state = state;
  chip.textContent = t(`conn.${state}`);
}
export function setConn(state) {
  conn = state;
  showConn();
}
for (const name of ['online', 'offline', 'dispatch:lang']) window.addEventListener(name, showConn);

function askToken() {
  const form = $('#signin-form');
  $('#signin').hidden = false;
  form.token.focus();
  return new Promise((resolve) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearProblems(form);
      resolve(form.token.value.trim());
    }, { once: true });
  });
}

async function whoAmI() {
  for (;;) {
    let token = getToken();
    if (!token) {
      token = await askToken();
      if (!token) {
        showProblem($('#signin-form'), { field: 'token', message: t('signin.empty') });
        continue;
      }
      setToken(token);
    }
    try {
      return await get('/me');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setToken(null);
      const message = error instanceof Offline ? t('offline.sign_in') : error.message;
      showProblem($('#signin-form'), { field: 'token', message });
      if (error instanceof Offline) setToken(null);
    }
  }
}

// Resolves once signed in with one of `roles`; never, for a token of another role.
export async function begin(roles) {
  const tick = chrome();
  translate();
  const me = await whoAmI();
  $('#signin').hidden = true;
  $('#signout').hidden = false;
  // A token refused later (revoked, the server's tokens changed): ask again.
  window.addEventListener('dispatch:signed-out', () => { setToken(null); location.reload(); });
  $('#who').textContent = me.who;
  if (!roles.includes(me.role)) {
    const wrong = $('#wrongrole');
    wrong.hidden = false;
    wrong.querySelector('a').href = homeOf(me.role);
    return new Promise(() => {});
  }
  const site = await get('/site');
  setZone(site.timezone);
  tick();
  $('#app').hidden = false;
  return { me, site };
}

// The bell: WebAudio, no sound files; muted by a switch the user sets, remembered.
let audio = null;
const MUTE = 'dispatch.muted';
export const muted = () => localStorage.getItem(MUTE) === '1';

export function muteSwitch(button) {
  const show = () => {
    button.textContent = muted() ? t('sound.off') : t('sound.on');
    button.setAttribute('aria-pressed', String(muted()));
  };
  button.addEventListener('click', () => {
    localStorage.setItem(MUTE, muted() ? '0' : '1');
    show();
    if (!muted()) beep(1);
  });
  window.addEventListener('dispatch:lang', show);
  show();
}

// Browsers start audio only after a user gesture: the first click anywhere unlocks it.
document.addEventListener('pointerdown', () => {
  if (!audio && window.AudioContext) audio = new AudioContext();
  audio?.resume();
}, { capture: true });

export function beep(times = 2) {
  if (muted() || !audio || audio.state !== 'running') return;
  for (let i = 0; i < times; i += 1) {
    const start = audio.currentTime + i * 0.25;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, start);
    gain.gain.exponentialRampToValueAtTime(0.001, start + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(start + 0.2);
  }
}
