// The console benchmark's eyes in the page (benchmarks/console.py): run by Playwright
// through the browser's debugging protocol, which the page's content security policy
// does not govern. Times are on the machine's wall clock, in milliseconds.
//
// Each job row's first appearance in the job board and first sight of each status, as
// a MutationObserver sees the DOM change; and the moment after the next animation frame
// (the change painted: conservative by up to a frame for a change made inside one).
// Also the board's size at each change and the page's long tasks.
() => {
  const clock = () => performance.timeOrigin + performance.now();
  const rows = {};
  const pending = new Set();
  let frame = false;
  const note = (tr, at) => {
    const id = tr.dataset.jobId;
    const status = tr.dataset.status;
    if (!id) return;
    let row = rows[id];
    if (!row) { row = rows[id] = { first: at, painted: null, statuses: {} }; pending.add(id); }
    if (!(status in row.statuses)) {
      row.statuses[status] = { at, painted: null };
      pending.add(id);
    }
  };
  const paint = () => {
    frame = false;
    const at = clock();
    for (const id of pending) {
      const row = rows[id];
      if (row.painted === null) row.painted = at;
      for (const s of Object.values(row.statuses)) if (s.painted === null) s.painted = at;
    }
    pending.clear();
  };
  const tbody = document.querySelector('#job-board tbody');
  const size = { max: 0, sum: 0, n: 0 };
  new MutationObserver((mutations) => {
    const at = clock();
    const rowsNow = tbody.childElementCount;
    size.max = Math.max(size.max, rowsNow);
    size.sum += rowsNow;
    size.n += 1;
    for (const m of mutations) {
      if (m.type === 'attributes') { note(m.target, at); continue; }
      for (const node of m.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches('tr[data-job-id]')) note(node, at);
        else for (const tr of node.querySelectorAll('tr[data-job-id]')) note(tr, at);
      }
    }
    if (pending.size && !frame) {
      frame = true;
      requestAnimationFrame(() => setTimeout(paint, 0));  // after the frame is painted
    }
  }).observe(tbody,
    { childList: true, subtree: true, attributes: true, attributeFilter: ['data-status'] });
  const long = { count: 0, ms: 0, max: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      long.count += 1; long.ms += e.duration; long.max = Math.max(long.max, e.duration);
    }
  }).observe({ type: 'longtask', buffered: true });
  performance.setResourceTimingBufferSize(1000000);
  window.__board = { rows, long, size };
}
