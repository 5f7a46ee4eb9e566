// Payload validation: each rejection reason, and the seq that a readable envelope lets the ingester settle.

import { describe, expect, it } from 'vitest';
import { telemetry } from '../../test/broker/helpers.ts';
import { validatePayload } from './validate.ts';

const TOPIC = 'rikscha/v1/st-a/telemetry';
const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('validatePayload', () => {
  it('accepts contract telemetry', () => {
    expect(validatePayload(TOPIC, buf(telemetry('st-a', 1)))).toMatchObject({ ok: true, kind: 'telemetry' });
  });
  it('rejects invalid JSON', () => {
    expect(validatePayload(TOPIC, buf('{nope'))).toMatchObject({
      ok: false,
      reason: 'invalid_json',
      stationId: 'st-a',
    });
  });
  it('rejects schema violations, keeping the seq when the envelope is readable', () => {
    const v = validatePayload(TOPIC, buf({ ...telemetry('st-a', 7), docks: [{ dock: 0 }] }));
    expect(v).toMatchObject({ ok: false, reason: 'schema', seq: 7 });
    expect(validatePayload(TOPIC, buf({ stationId: 'st-a', seq: 'x' }))).not.toHaveProperty('seq');
  });
  it('rejects a payload naming another station', () => {
    expect(validatePayload(TOPIC, buf(telemetry('st-b', 1)))).toMatchObject({ ok: false, reason: 'station_mismatch' });
  });
  it('rejects oversized payloads before parsing them', () => {
    expect(validatePayload(TOPIC, Buffer.alloc(300 * 1024, 0x20))).toMatchObject({ ok: false, reason: 'too_large' });
  });
  it('rejects topics outside the map', () => {
    expect(validatePayload('rikscha/v1/st-a/nope', buf({}))).toMatchObject({ ok: false, reason: 'unknown_topic' });
  });
  it('validates commands without a stationId', () => {
    expect(validatePayload('rikscha/v1/st-a/cmd/stop', buf({ id: 'r1', dock: 2 }))).toMatchObject({
      ok: true,
      kind: 'other',
    });
  });
});
