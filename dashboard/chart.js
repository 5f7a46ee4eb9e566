// A small inline-SVG line chart (no chart library). The SVG stretches to the card's width; the axis labels are HTML
// beside it so they stay crisp and readable at any width instead of being squashed with the drawing.
import { h, svg } from './dom.js';
import { axisTime, isNum, num } from './format.js';

const W = 300;
const H = 100;
/** More points than this are thinned out: a phone screen cannot show more and the path stays small. */
const MAX_POINTS = 600;

/**
 * @typedef {{ ts: number, v: number | null }} ChartPoint
 * @typedef {{ label: string, unit: string, digits: number, points: ChartPoint[], testid: string, tone: string,
 *   from?: number, to?: number, gapMs?: number, marks?: { ts: number, label: string }[] }} ChartSpec
 * `from`/`to` fix the time axis (else it spans the points); two points further apart than `gapMs` are not joined (a
 * station offline or a pack away is a gap, not a straight line); `marks` are vertical lines with a label (work done).
 */

/**
 * @param {ChartPoint[]} points
 * @returns {ChartPoint[]}
 */
function thin(points) {
  if (points.length <= MAX_POINTS) return points;
  const step = points.length / MAX_POINTS;
  const out = [];
  for (let i = 0; i < MAX_POINTS; i++) {
    const p = points[Math.floor(i * step)];
    if (p) out.push(p);
  }
  const last = points[points.length - 1];
  if (last && out[out.length - 1] !== last) out.push(last);
  return out;
}

/**
 * SVG path data; a missing value, or a time gap longer than `gapMs`, breaks the line instead of drawing across it.
 * @param {ChartPoint[]} points
 * @param {(ts: number) => number} x
 * @param {(v: number) => number} y
 * @param {number} gapMs
 */
function pathData(points, x, y, gapMs) {
  let d = '';
  let pen = false;
  let lastTs = -Infinity;
  for (const p of points) {
    if (!isNum(p.v)) {
      pen = false;
      continue;
    }
    if (p.ts - lastTs > gapMs) pen = false;
    d += `${pen ? 'L' : 'M'}${x(p.ts).toFixed(1)},${y(p.v).toFixed(1)}`;
    pen = true;
    lastTs = p.ts;
  }
  return d;
}

/**
 * @param {ChartSpec} spec
 */
export function lineChart(spec) {
  // A point from before the axis's start (the answer is a poll older than this render) would be drawn off the edge.
  const all = spec.points.filter((p) => isNum(p.ts) && (spec.from === undefined || p.ts >= spec.from));
  const points = thin(all);
  // Thinning keeps every n-th point: a gap must be wider than the thinned spacing to count.
  const gapMs = (spec.gapMs ?? Infinity) * Math.max(1, all.length / MAX_POINTS);
  const values = points.map((p) => p.v).filter(isNum);
  const latest = [...points].reverse().find((p) => isNum(p.v));
  const caption = h(
    'figcaption',
    null,
    h('span', { class: 'chart-label' }, spec.label),
    h('strong', { class: 'chart-latest' }, num(latest?.v, spec.unit, spec.digits)),
  );
  if (values.length === 0 || points.length === 0) {
    return h(
      'figure',
      { class: `chart tone-${spec.tone}`, 'data-testid': spec.testid },
      caption,
      h('p', { class: 'muted' }, '—'),
    );
  }
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.08;
  const yLo = lo - pad;
  const yHi = hi + pad;
  const t0 = spec.from ?? points[0]?.ts ?? 0;
  const t1 = spec.to ?? points[points.length - 1]?.ts ?? t0;
  const span = t1 - t0 || 1;
  const x = (/** @type {number} */ ts) => ((ts - t0) / span) * W;
  const y = (/** @type {number} */ v) => H - ((v - yLo) / (yHi - yLo)) * H;

  const grid = [lo, (lo + hi) / 2, hi].map((v) =>
    svg('line', {
      x1: 0,
      x2: W,
      y1: y(v).toFixed(1),
      y2: y(v).toFixed(1),
      class: 'chart-grid',
      'vector-effect': 'non-scaling-stroke',
    }),
  );
  const plot = svg(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      preserveAspectRatio: 'none',
      role: 'img',
      'aria-label': `${spec.label}: ${num(lo, spec.unit, spec.digits)} – ${num(hi, spec.unit, spec.digits)}`,
    },
    grid,
    (spec.marks ?? [])
      .filter((m) => m.ts >= t0 && m.ts <= t1)
      .map((m) =>
        svg(
          'line',
          {
            x1: x(m.ts).toFixed(1),
            x2: x(m.ts).toFixed(1),
            y1: 0,
            y2: H,
            class: 'chart-mark',
            'vector-effect': 'non-scaling-stroke',
          },
          svg('title', null, m.label),
        ),
      ),
    svg('path', { d: pathData(points, x, y, gapMs), class: 'chart-line', 'vector-effect': 'non-scaling-stroke' }),
  );
  return h(
    'figure',
    { class: `chart tone-${spec.tone}`, 'data-testid': spec.testid },
    caption,
    h(
      'div',
      { class: 'chart-body' },
      h(
        'div',
        { class: 'chart-y', 'aria-hidden': 'true' },
        h('span', null, num(hi, spec.unit, spec.digits)),
        h('span', null, num(lo, spec.unit, spec.digits)),
      ),
      h('div', { class: 'chart-plot' }, plot),
    ),
    h(
      'div',
      { class: 'chart-x', 'aria-hidden': 'true' },
      h('span', null, axisTime(t0, t1 - t0)),
      h('span', null, axisTime(t1, t1 - t0)),
    ),
  );
}
