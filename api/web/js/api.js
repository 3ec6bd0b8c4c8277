// The API as the screens call it: the bearer token from this tab's sessionStorage on every
// request, and one error shape. `Offline` means no answer came back (the request may or
// may not have reached the server); `ApiError` is the server's own refusal.

const TOKEN = 'dispatch.token';

export const getToken = () => sessionStorage.getItem(TOKEN);

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN, token);
  else sessionStorage.removeItem(TOKEN);
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.message || `HTTP ${status}`);
    this.status = status;
    this.error = problem.error || 'HTTPError';
    this.field = problem.field ?? null;
  }
}

export class Offline extends Error {}

export function newKey() {
  // randomUUID needs a secure context; a hospital LAN served over plain HTTP is not one.
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export async function call(method, path, { body, key, signal } = {}) {
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (key) headers['Idempotency-Key'] = key;
  let response;
  let text;
  try {
    response = await fetch(path, {
      method, headers, signal, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    text = await response.text();
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new Offline(error.message);
  }
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const problem = data && typeof data === 'object' ? data : { message: response.statusText };
    if (response.status === 401) window.dispatchEvent(new CustomEvent('dispatch:signed-out'));
    throw new ApiError(response.status, problem);
  }
  return data;
}

export const get = (path) => call('GET', path);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
