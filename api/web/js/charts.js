// Small charts drawn as inline SVG, built element by element like the rest of the pages
// (no library, nothing parsed from strings). Colours come from the stylesheet by class,
// not inline styles, which the content security policy would refuse. Each mark carries a
// <title>, so hovering (or a screen reader) gives its exact figure.

const NS = 'http://www.w3.org/2000/svg';
const W = 320; // the viewBox's width: charts scale to their box, text with them

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined && v !== false) el.setAttribute(k, String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const title = (text) => svg('title', {}, text);
const round1 = (x) => Math.round(x * 10) / 10;

function frame(name, label, height, ...marks) {
  return svg('svg', {
    class: `chart ${name}`, viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': label,
    preserveAspectRatio: 'xMinYMin meet',
  }, title(label), marks);
}

// Rows of bars, left to right: `rows` = [{ label, key, bars: [{ value, max, cls, text, tip }] }].
// Several bars in a row stack downwards in it (pickup over delivery, say).
export function barRows(name, label, rows, { labelWidth = 70, valueWidth = 46, barHeight = 9 } = {}) {
  const gap = 4;
  const rowHeight = rows.reduce((m, r) => Math.max(m, r.bars.length), 1) * (barHeight + 2) + gap;
  const span = W - labelWidth - valueWidth;
  const marks = rows.map((row, i) => {
    const y = i * rowHeight + gap / 2;
    return svg('g', { class: 'row', 'data-key': row.key ?? row.label },
      svg('text', { x: labelWidth - 6, y: y + (rowHeight - gap) / 2, class: 'label', 'text-anchor': 'end',
        'dominant-baseline': 'middle' }, row.label),
      row.bars.map((bar, j) => {
        const by = y + j * (barHeight + 2);
        const width = bar.max > 0 && bar.value !== null ? Math.max(0, Math.min(1, bar.value / bar.max)) * span : 0;
        return svg('g', { class: `bar ${bar.cls || ''}`, 'data-value': bar.value ?? '' },
          svg('rect', { x: labelWidth, y: by, width: span, height: barHeight, rx: 2, class: 'track' }),
          svg('rect', { x: labelWidth, y: by, width: round1(width), height: barHeight, rx: 2, class: 'fill' },
            title(bar.tip ?? bar.text)),
          svg('text', { x: labelWidth + span + 4, y: by + barHeight / 2, class: 'value',
            'dominant-baseline': 'middle' }, bar.text));
      }));
  });
  return frame(name, label, Math.max(rows.length * rowHeight, 12), marks);
}

// Columns over the 24 hours of a day: `hours` maps '00'..'23' to { value, high, tip }
// (high: a second, thinner mark above, a 90th percentile say); `now` marks the hour it is.
export function hourColumns(name, label, hours, { now = null, unit = '' } = {}) {
  const left = 24;
  const bottom = 14;
  const top = 8;
  const height = 110;
  const plot = height - bottom - top;
  const width = (W - left) / 24;
  // A round top: a multiple of 5 (of 10 past 10), so the scale's three ticks are whole.
  const highest = Math.max(...Object.values(hours).map((x) => Math.max(x.value ?? 0, x.high ?? 0)), 0);
  const step = highest > 10 ? 10 : 5;
  const max = Math.max(step, Math.ceil(highest / step) * step);
  const scale = (v) => (v / max) * plot;
  const marks = [];
  for (const tick of max % 2 ? [0, max] : [0, max / 2, max]) {
    const y = top + plot - scale(tick);
    marks.push(svg('line', { x1: left, x2: W, y1: round1(y), y2: round1(y), class: 'grid' }),
      svg('text', { x: left - 3, y: round1(y), class: 'axis', 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        `${Math.round(tick)}${unit}`));
  }
  for (let hour = 0; hour < 24; hour += 1) {
    const key = String(hour).padStart(2, '0');
    const x = left + hour * width;
    if (hour % 3 === 0) {
      marks.push(svg('text', { x: round1(x + width / 2), y: height - 2, class: 'axis', 'text-anchor': 'middle' }, key));
    }
    const point = hours[key];
    if (!point) continue;
    const cls = `col${key === now ? ' now' : ''}`;
    const h = scale(point.value ?? 0);
    marks.push(svg('g', { class: cls, 'data-hour': key, 'data-value': point.value ?? '' },
      svg('rect', { x: round1(x + 1), y: round1(top + plot - h), width: round1(width - 2), height: round1(h),
        class: 'fill' }, title(point.tip)),
      point.high !== null && point.high !== undefined ? svg('line', {
        x1: round1(x + 2), x2: round1(x + width - 2), y1: round1(top + plot - scale(point.high)),
        y2: round1(top + plot - scale(point.high)), class: 'high',
      }) : null));
  }
  return frame(name, label, height, marks);
}
