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
 * @typedef {{ label: string, unit: string, digits: number, points: ChartPoint[], testid: string, tone: string }} ChartSpec
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
 * SVG path data; a missing value breaks the line instead of drawing across the gap.
 * @param {ChartPoint[]} points
 * @param {(ts: number) => number} x
 * @param {(v: number) => number} y
 */
function pathData(points, x, y) {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!isNum(p.v)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(p.ts).toFixed(1)},${y(p.v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/**
 * @param {ChartSpec} spec
 */
export function lineChart(spec) {
  const points = thin(spec.points.filter((p) => isNum(p.ts)));
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
  const t0 = points[0]?.ts ?? 0;
  const t1 = points[points.length - 1]?.ts ?? t0;
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
    svg('path', { d: pathData(points, x, y), class: 'chart-line', 'vector-effect': 'non-scaling-stroke' }),
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
