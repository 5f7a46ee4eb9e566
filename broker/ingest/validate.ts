// Payload validation shared by the embedded broker's publish hook and the external-broker ingester: size, JSON,
// the contract schema of the topic kind, and the payload's stationId against the topic's.

import { MAX_PAYLOAD_BYTES, type Status, type StationEvent, type Telemetry } from '../../contract/messages.ts';
import { parseTopic, schemaByKind, type ParsedTopic } from '../../contract/topics.ts';

export const REJECT_REASONS = ['too_large', 'invalid_json', 'schema', 'station_mismatch', 'unknown_topic'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type Validated =
  | { ok: true; topic: ParsedTopic; kind: 'telemetry'; msg: Telemetry }
  | { ok: true; topic: ParsedTopic; kind: 'event'; msg: StationEvent }
  | { ok: true; topic: ParsedTopic; kind: 'status'; msg: Status }
  | { ok: true; topic: ParsedTopic; kind: 'other'; msg: unknown }
  | {
      ok: false;
      reason: RejectReason;
      detail: string;
      /** Station of the topic, when the topic is in the map. */
      stationId?: string;
      kind?: ParsedTopic['kind'];
      /**
       * The seq, when the message is a telemetry/event whose envelope names the topic's station and carries an
       * integer seq: such a rejection settles that seq (see the ingester), so one bad message cannot stall the ack.
       */
      seq?: number;
      ts?: number;
    };

const detailOf = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string =>
  issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');

export function validatePayload(topicName: string, payload: Buffer, maxBytes = MAX_PAYLOAD_BYTES): Validated {
  const topic = parseTopic(topicName);
  if (!topic) return { ok: false, reason: 'unknown_topic', detail: topicName.slice(0, 200) };
  const base = { stationId: topic.stationId, kind: topic.kind };
  if (payload.length > maxBytes) return { ok: false, reason: 'too_large', detail: `${payload.length} bytes > ${maxBytes}`, ...base };
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'invalid_json', detail: (err as Error).message.slice(0, 200), ...base };
  }
  const env = envelopeOf(json);
  // cmd payloads carry no stationId; everything else must name the topic's station.
  if (topic.kind !== 'cmd' && env.stationId !== topic.stationId) {
    return { ok: false, reason: 'station_mismatch', detail: `payload stationId ${String(env.stationId).slice(0, 80)}`, ...base };
  }
  const parsed = schemaByKind[topic.kind].safeParse(json);
  if (!parsed.success) {
    const settles = (topic.kind === 'telemetry' || topic.kind === 'event') && Number.isSafeInteger(env.seq) && (env.seq as number) >= 0;
    return {
      ok: false,
      reason: 'schema',
      detail: detailOf(parsed.error.issues),
      ...base,
      ...(settles ? { seq: env.seq as number, ts: Number.isSafeInteger(env.ts) ? (env.ts as number) : 0 } : {}),
    };
  }
  switch (topic.kind) {
    case 'telemetry':
      return { ok: true, topic, kind: 'telemetry', msg: parsed.data as Telemetry };
    case 'event':
      return { ok: true, topic, kind: 'event', msg: parsed.data as StationEvent };
    case 'status':
      return { ok: true, topic, kind: 'status', msg: parsed.data as Status };
    default:
      return { ok: true, topic, kind: 'other', msg: parsed.data };
  }
}

function envelopeOf(json: unknown): { stationId?: unknown; seq?: unknown; ts?: unknown } {
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
}
