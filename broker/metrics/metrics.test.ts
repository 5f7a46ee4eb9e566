// The Prometheus text rendering: counters with labels, gauges read at scrape time, histogram buckets.

import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.ts';

describe('Metrics', () => {
  it('renders counters, gauges and histograms in the text format', () => {
    const m = new Metrics();
    m.counter('x_total', 'Things', [{ reason: 'a' }]);
    m.inc('x_total', { reason: 'a' });
    m.inc('x_total', { reason: 'b"q' }, 2);
    let g = 3;
    m.gauge('g', 'A gauge', () => g);
    m.histogram('h', 'Sizes', [10, 1]);
    m.observe('h', 5);
    m.observe('h', 0.5);
    g = 4;
    const text = m.render();
    expect(text).toContain('# TYPE x_total counter\nx_total{reason="a"} 1\nx_total{reason="b\\"q"} 2\n');
    expect(text).toContain('# TYPE g gauge\ng 4\n');
    expect(text).toContain('h_bucket{le="1"} 1\nh_bucket{le="10"} 2\nh_bucket{le="+Inf"} 2\nh_sum 5.5\nh_count 2\n');
    expect(m.get('x_total', { reason: 'a' })).toBe(1);
    expect(() => m.inc('undeclared')).toThrow(/not a declared counter/);
  });
});
