// Per-message cost of validating an 8-dock telemetry payload (the broker thread's largest own cost at high load):
// the byte validator compiled from the zod schemas, against JSON.parse + zod on the same payloads.

import { telemetrySchema } from '../contract/messages.ts';
import { validatePayload } from '../broker/ingest/validate.ts';
import type { Benchmark } from './benchmark.ts';
import { docksJson } from './ingest.bench.ts';

const TOPIC = 'rikscha/v1/bench-01/telemetry';
const payloads = Array.from({ length: 64 }, (_, k) =>
  Buffer.from(
    `{"stationId":"bench-01","ts":${1_700_000_000_000 + k},"seq":${k + 1},"docks":${docksJson(k % 50, k % 4)}}`,
  ),
);

/** Median over rounds of µs per message, after a warm-up round (the JIT settles first). */
function perMessageUs(check: (b: Buffer) => unknown): number {
  const n = 20_000;
  const rounds: number[] = [];
  for (let r = 0; r < 6; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) if (!check(payloads[i & 63] as Buffer)) throw new Error('a valid payload was refused');
    if (r > 0) rounds.push(((performance.now() - t0) * 1000) / n);
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(rounds.length / 2)] ?? NaN;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'validate: 8-dock telemetry, compiled byte validator',
    unit: 'µs/msg',
    target: 15,
    better: 'lower',
    run: async () =>
      perMessageUs((b) => {
        const v = validatePayload(TOPIC, b);
        return v.ok ? v : null;
      }),
  },
  {
    name: 'validate: 8-dock telemetry, JSON.parse + zod (reference)',
    unit: 'µs/msg',
    target: 60,
    better: 'lower',
    run: async () => perMessageUs((b) => telemetrySchema.safeParse(JSON.parse(b.toString('utf8'))).success),
  },
];
