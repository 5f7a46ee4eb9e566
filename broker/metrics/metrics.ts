// A small Prometheus registry: counters, gauges read at scrape time and one histogram kind, rendered in the
// text exposition format. Enough for /metrics without pulling in prom-client.

type Labels = Record<string, string>;

interface CounterFamily {
  kind: 'counter';
  help: string;
  values: Map<string, { labels: Labels; value: number }>;
}
interface GaugeFamily {
  kind: 'gauge';
  help: string;
  read: () => number | Array<{ labels: Labels; value: number }>;
}
interface HistogramFamily {
  kind: 'histogram';
  help: string;
  buckets: number[];
  counts: number[];
  sum: number;
  count: number;
}
type Family = CounterFamily | GaugeFamily | HistogramFamily;

const keyOf = (labels: Labels): string => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const renderLabels = (labels: Labels): string => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

export class Metrics {
  private readonly families = new Map<string, Family>();

  /** Declares a counter (idempotent) so it shows as 0 before its first increment. */
  counter(name: string, help: string, initialLabels: Labels[] = [{}]): void {
    if (this.families.has(name)) return;
    const fam: CounterFamily = { kind: 'counter', help, values: new Map() };
    for (const l of initialLabels) fam.values.set(keyOf(l), { labels: l, value: 0 });
    this.families.set(name, fam);
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const fam = this.families.get(name);
    if (!fam || fam.kind !== 'counter') throw new Error(`metrics: ${name} is not a declared counter`);
    const k = keyOf(labels);
    const cur = fam.values.get(k);
    if (cur) cur.value += by;
    else fam.values.set(k, { labels, value: by });
  }

  /** Current value of a counter (tests and the HTTP layer read it). */
  get(name: string, labels: Labels = {}): number {
    const fam = this.families.get(name);
    if (!fam || fam.kind !== 'counter') return 0;
    return fam.values.get(keyOf(labels))?.value ?? 0;
  }

  /** A gauge computed when scraped, so it never goes stale. */
  gauge(name: string, help: string, read: GaugeFamily['read']): void {
    this.families.set(name, { kind: 'gauge', help, read });
  }

  histogram(name: string, help: string, buckets: number[]): void {
    if (this.families.has(name)) return;
    const sorted = [...buckets].sort((a, b) => a - b);
    this.families.set(name, {
      kind: 'histogram',
      help,
      buckets: sorted,
      counts: sorted.map(() => 0),
      sum: 0,
      count: 0,
    });
  }

  observe(name: string, value: number): void {
    const fam = this.families.get(name);
    if (!fam || fam.kind !== 'histogram') throw new Error(`metrics: ${name} is not a declared histogram`);
    fam.sum += value;
    fam.count += 1;
    fam.buckets.forEach((b, i) => {
      if (value <= b) fam.counts[i] = (fam.counts[i] ?? 0) + 1;
    });
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = [];
    for (const [name, fam] of this.families) {
      out.push(`# HELP ${name} ${fam.help}`, `# TYPE ${name} ${fam.kind}`);
      if (fam.kind === 'counter') {
        for (const { labels, value } of fam.values.values()) out.push(`${name}${renderLabels(labels)} ${value}`);
      } else if (fam.kind === 'gauge') {
        const v = fam.read();
        if (typeof v === 'number') out.push(`${name} ${v}`);
        else for (const { labels, value } of v) out.push(`${name}${renderLabels(labels)} ${value}`);
      } else {
        fam.buckets.forEach((b, i) => out.push(`${name}_bucket{le="${b}"} ${fam.counts[i] ?? 0}`));
        out.push(`${name}_bucket{le="+Inf"} ${fam.count}`, `${name}_sum ${fam.sum}`, `${name}_count ${fam.count}`);
      }
    }
    return out.join('\n') + '\n';
  }
}
