// The event stream read with fetch, so the bearer token travels in a header, never in a
// URL (EventSource cannot set headers). Resumes with Last-Event-ID after any cut: the
// server replays what was missed, nothing twice.

import { getToken } from './api.js';

const QUIET = 40000; // the server pings every 15 s: this long without a byte is a dead line

function parse(block) {
  const msg = { event: 'message', data: '', id: null };
  const data = [];
  for (const line of block.split(/\r\n|\n|\r/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') msg.event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') msg.id = value;
  }
  msg.data = data.join('\n');
  return data.length ? msg : null;
}

// `onItem(event, data)` for each event; `onState('live' | 'offline' | 'refused')`.
export function follow(onItem, onState) {
  let last = null;
  let stopped = false;
  let controller = null;
  let delay = 500;
  let wake = null;
  const nap = (ms) => new Promise((resolve) => { wake = resolve; setTimeout(resolve, ms); });

  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let timer = null;
    const watch = () => { clearTimeout(timer); timer = setTimeout(() => controller.abort(), QUIET); };
    watch();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        watch();
        buffer += value;
        let cut;
        while ((cut = buffer.search(/\r\n\r\n|\n\n|\r\r/)) >= 0) {
          const sep = buffer.startsWith('\r\n\r\n', cut) ? 4 : 2;
          const msg = parse(buffer.slice(0, cut));
          buffer = buffer.slice(cut + sep);
          if (msg) deliver(msg);
        }
      }
    } finally { clearTimeout(timer); }
  }

  function deliver(msg) {
    const data = JSON.parse(msg.data);
    if (msg.event === 'hello') {
      if (last === null) last = data.position;
      onState('live');
    } else if (msg.id !== null) {
      last = Number(msg.id);
    }
    onItem(msg.event, data);
  }

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${getToken()}` };
        if (last !== null) headers['Last-Event-ID'] = String(last);
        const response = await fetch('/events/stream', {
          headers, signal: controller.signal, cache: 'no-store',
        });
        if (response.status === 401 || response.status === 403) {
          onState('refused');
          if (response.status === 401) window.dispatchEvent(new CustomEvent('dispatch:signed-out'));
          return;
        }
        if (response.status === 422 && last !== null) { last = null; continue; }
        if (response.ok) { delay = 500; await read(response.body); }
      } catch { /* cut off: try again below */ }
      if (stopped) return;
      onState('offline');
      await nap(delay);
      delay = Math.min(delay * 2, 8000);
    }
  }

  // Back on the network: try at once rather than after the back-off.
  const again = () => { delay = 250; controller?.abort(); wake?.(); };
  // Gone offline: drop the line now rather than wait for it to fall silent.
  const drop = () => controller?.abort();
  window.addEventListener('online', again);
  window.addEventListener('offline', drop);
  run();
  return {
    stop() {
      stopped = true;
      window.removeEventListener('online', again);
      window.removeEventListener('offline', drop);
      controller?.abort();
    },
    reconnect: again,
  };
}
