// The compiled validator against zod, its source of truth: on generated near-valid payloads it never accepts
// what JSON.parse + zod reject, returns the same envelope when it accepts, and does accept ordinary valid traffic.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventSchema, statusSchema, telemetrySchema } from '../../contract/messages.ts';
import { telemetry } from '../../test/broker/helpers.ts';
import { compileFastValidator, UnsupportedSchemaError } from './fast-validate.ts';
import { validatePayload } from './validate.ts';

const fast = compileFastValidator(telemetrySchema);

/**
 * A valid value most of the time, else any JSON value or an edge case of the field's type: about one field per
 * message is off, so most cases sit right at the border the two validators must agree on.
 */
const maybe = <T>(valid: fc.Arbitrary<T>, edges: unknown[] = []) =>
  fc.oneof(
    { weight: 60, arbitrary: valid },
    { weight: 1, arbitrary: fc.jsonValue() },
    { weight: 2, arbitrary: fc.constantFrom(...edges, null, '', -1, 1.5, true) },
  );

const num = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
const battery = fc.record(
  {
    id: maybe(fc.string({ minLength: 1, maxLength: 64 }), ['x'.repeat(65)]),
    socPct: maybe(fc.double({ min: 0, max: 100, noNaN: true }), [100.0001, -0.0001, 100, 0]),
    voltageV: maybe(num),
    currentA: maybe(num),
    cellsV: maybe(fc.array(num, { maxLength: 32 }), [Array(33).fill(3.7)]),
    tempsC: maybe(fc.array(num, { maxLength: 8 }), [Array(9).fill(20)]),
    cycles: maybe(fc.nat(), [2 ** 53, 1.5, -0]),
    protection: maybe(fc.array(fc.string(), { maxLength: 3 }), [[1]]),
    remainingAh: maybe(num),
    chargeFetOn: maybe(fc.boolean()),
  },
  { requiredKeys: ['id', 'socPct', 'voltageV', 'currentA', 'cellsV', 'tempsC', 'cycles', 'protection'] },
);
const dock = fc.record(
  {
    dock: maybe(fc.integer({ min: 1, max: 512 }), [0, 513, 1.5]),
    state: maybe(fc.constantFrom('empty', 'idle', 'charging', 'balancing', 'full', 'fault', 'maintenance'), [
      'Charging',
      'charging ',
    ]),
    battery: fc.oneof(fc.constant(null), battery, fc.jsonValue()),
    charger: maybe(
      fc.record({
        online: maybe(fc.boolean()),
        outputOn: fc.boolean(),
        voltageV: maybe(num),
        currentA: num,
        setCurrentA: num,
      }),
    ),
    reason: maybe(fc.string()),
    extra: fc.jsonValue(),
  },
  { requiredKeys: ['dock', 'state', 'battery', 'charger'] },
);
const message = fc.record(
  {
    stationId: maybe(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/), ['A-station', '-x', 'a'.repeat(64)]),
    ts: maybe(fc.nat(), [-1, 1.5, 2 ** 53]),
    seq: maybe(fc.nat(), [-1, 0.5]),
    docks: maybe(fc.array(dock, { maxLength: 4 })),
    thinned: maybe(fc.boolean()),
  },
  { requiredKeys: ['stationId', 'ts', 'seq', 'docks'] },
);

/** Text-level variations JSON.stringify never makes: spacing, escapes, exponents, repeated keys, garbage. */
const textual = fc.oneof(
  { weight: 12, arbitrary: fc.constant((s: string) => s) },
  fc.constantFrom(
    (s: string) => s.replace(/,/g, ' ,\n\t'),
    (s: string) => s.replace('"seq"', '"\\u0073eq"'),
    (s: string) => s.replace(/"state":"(\w)/, '"state":"\\u00$1'),
    (s: string) => s.replace(/:(\d+)([,}])/, ':$1e0$2'),
    (s: string) => s.replace(/:(\d+)([,}])/, ':1e999$2'),
    (s: string) => s.replace(/^\{/, '{"seq":3,'),
    (s: string) => s.replace(/}$/, ',"seq":4}'),
    (s: string) => s.slice(0, -1),
    (s: string) => `${s} x`,
    (s: string) => `\uFEFF${s}`,
    (s: string) => s.replace(/"/, "'"),
    (s: string) => s.replace(/\d/, '\u0001'),
  ),
);

function zodAccepts(text: string): { stationId: string; ts: number; seq: number } | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const r = telemetrySchema.safeParse(json);
  return r.success ? { stationId: r.data.stationId, ts: r.data.ts, seq: r.data.seq } : null;
}

describe('compiled fast validator', () => {
  it('never accepts what zod rejects, and agrees on the envelope', () => {
    let accepted = 0;
    let valid = 0;
    const runs = 4000;
    fc.assert(
      fc.property(message, textual, (msg, vary) => {
        const text = vary(JSON.stringify(msg));
        const got = fast(Buffer.from(text, 'utf8'));
        if (zodAccepts(text)) valid++;
        if (got === null) return;
        accepted++;
        expect(zodAccepts(text), text).toEqual({ stationId: got.stationId, ts: got.ts, seq: got.seq });
      }),
      { numRuns: runs, seed: 6 },
    );
    // Not vacuous: both verdicts are common, and the fast path takes most of what zod accepts.
    expect(valid / runs).toBeGreaterThan(0.2);
    expect(valid / runs).toBeLessThan(0.8);
    expect(accepted / valid).toBeGreaterThan(0.8);
  });

  it('accepts ordinary valid telemetry, events and status (the fast path covers real traffic)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.double({ min: 0, max: 100, noNaN: true }), (seq, socPct) => {
        const text = JSON.stringify(telemetry('st-a', seq, { socPct }));
        expect(fast(Buffer.from(text))).toEqual({ stationId: 'st-a', ts: expect.any(Number) as number, seq });
      }),
      { numRuns: 300 },
    );
    const ev = {
      stationId: 'st-a',
      ts: 1,
      seq: 2,
      type: 'dock-fault',
      severity: 'fault',
      dock: 1,
      message: 'x',
      data: { a: [1] },
    };
    expect(compileFastValidator(eventSchema)(Buffer.from(JSON.stringify(ev)))).toMatchObject({ seq: 2 });
    expect(
      compileFastValidator(statusSchema)(Buffer.from('{"stationId":"st-a","ts":1,"seq":0,"online":true}')),
    ).toMatchObject({ online: true });
  });

  it('leaves rejections to zod, which still names the reason and the seq', () => {
    const bad = Buffer.from(JSON.stringify({ ...telemetry('st-a', 7), docks: [{ dock: 0 }] }));
    expect(fast(bad)).toBeNull();
    expect(validatePayload('rikscha/v1/st-a/telemetry', bad)).toMatchObject({ ok: false, reason: 'schema', seq: 7 });
    const ok = validatePayload(
      'rikscha/v1/st-a/telemetry',
      Buffer.from(JSON.stringify(telemetry('st-a', 8, { socPct: 12 }))),
    );
    expect(ok).toMatchObject({ ok: true, env: { stationId: 'st-a', seq: 8 } });
    // The content is there on demand, through zod.
    expect(ok.ok && ok.kind === 'telemetry' && ok.msg.docks[0]?.battery?.socPct).toBe(12);
  });

  it('refuses to compile a schema it cannot mirror', async () => {
    const { z } = await import('zod');
    expect(() => compileFastValidator(z.object({ a: z.string().email() }))).toThrow(UnsupportedSchemaError);
    expect(() => compileFastValidator(z.object({ a: z.number().refine((n) => n > 1) }))).toThrow(
      UnsupportedSchemaError,
    );
  });
});

describe('compiled fast validator: edges of the byte scan', () => {
  const status = compileFastValidator(statusSchema);
  const event = compileFastValidator(eventSchema);
  const zodVerdict = (
    schema: typeof statusSchema | typeof eventSchema | typeof telemetrySchema,
    text: string,
  ): boolean => {
    try {
      return schema.safeParse(JSON.parse(text)).success;
    } catch {
      return false;
    }
  };

  it('agrees with zod on numbers at the border of the hand-valued path', () => {
    const texts = [
      '{"stationId":"st-a","ts":123456789012345,"seq":1,"online":true}',
      '{"stationId":"st-a","ts":1234567890123456,"seq":1,"online":true}',
      '{"stationId":"st-a","ts":9007199254740993,"seq":1,"online":true}',
      '{"stationId":"st-a","ts":1.0,"seq":1,"online":true}',
      '{"stationId":"st-a","ts":1.5,"seq":1,"online":true}',
      '{"stationId":"st-a","ts":1e3,"seq":1,"online":true}',
      '{"stationId":"st-a","ts":-0,"seq":0,"online":true}',
      '{"stationId":"st-a","ts":-1,"seq":0,"online":true}',
      '{"stationId":"st-a","ts":01,"seq":0,"online":true}',
      '{"stationId":"st-a","ts":1.,"seq":0,"online":true}',
      '{"stationId":"st-a","ts":1,"seq":0,"online":true,"startedAt":1e400}',
      `{"stationId":"st-a","ts":1,"seq":0,"online":true,"version":"${'9'.repeat(400)}"}`,
      `{"stationId":"st-a","ts":1,"seq":0,"online":true,"extra":${'9'.repeat(400)}}`,
      '{"stationId":"st-a","ts":1,"seq":0,"online":tru}',
      '{"stationId":"st-a","ts":1,"seq":0,"online":true,"online":false}',
      '{"seq":0,"online":true,"ts":1,"stationId":"st-a"}',
      '{"stationId":"st-a","ts":1,"seq":0,"\\u006fnline":true}',
      '{"stationId":"st-\\u0061","ts":1,"seq":0,"online":true}',
      '{"stationId":"St-a","ts":1,"seq":0,"online":true}',
    ];
    for (const t of texts) {
      const got = status(Buffer.from(t));
      if (got !== null) expect(zodVerdict(statusSchema, t), t).toBe(true);
      if (got !== null)
        expect(got, t).toEqual({
          stationId: JSON.parse(t).stationId,
          ts: JSON.parse(t).ts,
          seq: JSON.parse(t).seq,
          online: JSON.parse(t).online,
        });
    }
    // The plain ones do take the fast path, with JSON.parse's values.
    expect(status(Buffer.from(texts[0] as string))).toEqual({
      stationId: 'st-a',
      ts: 123456789012345,
      seq: 1,
      online: true,
    });
    expect(status(Buffer.from(texts[5] as string))).toEqual({ stationId: 'st-a', ts: 1000, seq: 1, online: true });
    expect(status(Buffer.from(texts[15] as string))).toEqual({ stationId: 'st-a', ts: 1, seq: 0, online: true });
  });

  it('values decimals exactly as JSON.parse does', () => {
    const socs = ['0.1', '99.99', '100', '100.0', '100.00000000001', '0.30000000000000004', '12.345678901234', '55.4'];
    for (const s of socs) {
      const text = JSON.stringify(telemetry('st-a', 1)).replace(/"socPct":[^,]+/, `"socPct":${s}`);
      expect(fast(Buffer.from(text)) !== null, s).toBe(zodVerdict(telemetrySchema, text));
    }
  });

  it('returns null instead of overflowing the stack on absurd nesting in a free-form field', () => {
    const deep = `{"stationId":"st-a","ts":1,"seq":2,"type":"x","severity":"info","message":"m","data":{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`;
    let verdict: unknown = 'threw';
    expect(() => (verdict = event(Buffer.from(deep)))).not.toThrow();
    // null: the fast path declines and leaves the verdict to JSON.parse + zod; it never accepts what it cannot walk.
    expect(verdict).toBeNull();
  });

  it('checks status metrics (arrays of objects with integer counters) like zod', () => {
    const device = {
      device: 'dock1/bms',
      requests: 5,
      responses: 5,
      timeouts: 0,
      crcErrors: 0,
      frameErrors: 0,
      resyncs: 0,
      garbageBytes: 0,
      deviceErrors: 0,
      reconnects: 0,
      unmatchedFrames: 0,
      lastAnswerAt: null,
    };
    const metrics = {
      devices: [device, { ...device, lastAnswerAt: 17 }],
      loop: { ticks: 1, overruns: 0, skipped: 0, errors: 0, kicks: 0, durationP99Ms: 0.5, latenessP99Ms: 1.25 },
      outbox: { queued: 3, thinned: 0 },
    };
    const ok = JSON.stringify({ stationId: 'st-a', ts: 1, seq: 0, online: true, metrics });
    expect(status(Buffer.from(ok))).toEqual({ stationId: 'st-a', ts: 1, seq: 0, online: true });
    for (const bad of [
      { ...device, timeouts: -1 },
      { ...device, timeouts: 0.5 },
      { ...device, lastAnswerAt: 'x' },
      { ...device, device: 'x'.repeat(65) },
    ]) {
      const text = JSON.stringify({
        stationId: 'st-a',
        ts: 1,
        seq: 0,
        online: true,
        metrics: { ...metrics, devices: [bad] },
      });
      expect(status(Buffer.from(text)), text).toBeNull();
      expect(zodVerdict(statusSchema, text)).toBe(false);
    }
  });
});
