// English and 简体中文 from small dictionaries (strings.js, strings_audit.js). Markup names
// its text with data-i18n (and data-i18n-placeholder / -title); code calls t(). A value
// from the API (a kind, a status, a reason) is looked up as `kind.x`, `status.x`, ... and
// shown as the raw value, underscores as spaces, when the dictionary has no word for it.

import WORDS from './strings.js';
import AUDIT from './strings_audit.js';

const STRINGS = { en: {}, zh: {} };
for (const [key, [en, zh]] of Object.entries({ ...WORDS, ...AUDIT })) {
  STRINGS.en[key] = en;
  STRINGS.zh[key] = zh;
}

const KEY = 'dispatch.lang';
export const LANGS = { en: 'English', zh: '简体中文' };
let lang = localStorage.getItem(KEY) || (navigator.language?.startsWith('zh') ? 'zh' : 'en');
if (!STRINGS[lang]) lang = 'en';

export const getLang = () => lang;
export const locale = () => (lang === 'zh' ? 'zh-CN' : 'en-GB');

export function t(key, vars = {}) {
  let text = STRINGS[lang][key] ?? STRINGS.en[key];
  if (text === undefined) {
    const dot = key.indexOf('.');
    text = (dot >= 0 ? key.slice(dot + 1) : key).replaceAll('_', ' ');
  }
  return text.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? ''));
}

export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  if (document.body.dataset.title) document.title = t(document.body.dataset.title);
}

export function setLang(next) {
  if (!STRINGS[next] || next === lang) return;
  lang = next;
  localStorage.setItem(KEY, next);
  translate();
  window.dispatchEvent(new CustomEvent('dispatch:lang'));
}
