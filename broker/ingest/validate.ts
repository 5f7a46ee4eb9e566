// Payload validation shared by the embedded broker's publish hook and the external-broker ingester: size, JSON,
// the contract schema of the topic kind, and the payload's stationId against the topic's.
// Telemetry, events and status first try the validator compiled from the same zod schemas (fast-validate.ts),
// which reads the bytes without building objects; whatever it does not accept goes through JSON.parse + zod.

import {
  eventSchema,
  MAX_PAYLOAD_BYTES,
  statusSchema,
  telemetrySchema,
  type Status,
  type StationEvent,
  type Telemetry,
} from '../../contract/messages.ts';
import { parseTopic, schemaByKind, type ParsedTopic } from '../../contract/topics.ts';
import { compileFastValidator, type FastValidator } from './fast-validate.ts';

export const REJECT_REASONS = [
  'too_large',
  'invalid_json',
  'schema',
  'station_mismatch',
  'unknown_topic',
  // Decided at ingestion against the receive time (ingester.ts), not here.
  'ts_out_of_range',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The envelope of a valid telemetry, event or status, read without parsing the whole payload. */
export interface ValidEnvelope {
  stationId: string;
  ts: number;
  seq: number;
}

/**
 * For telemetry, events and status `msg` may be lazy: parsed (and run through zod) on first access, so the
 * ingester pays for it only on the few messages whose content it uses; `env` is always there.
 */
export type Validated =
  | { ok: true; topic: ParsedTopic; kind: 'telemetry'; env: ValidEnvelope; readonly msg: Telemetry }
  | { ok: true; topic: ParsedTopic; kind: 'event'; env: ValidEnvelope; readonly msg: StationEvent }
  | { ok: true; topic: ParsedTopic; kind: 'status'; env: ValidEnvelope; readonly msg: Status }
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

/** Compiled once; a schema the compiler cannot mirror leaves that kind to zod alone (slower, same verdicts). */
function tryCompile(schema: Parameters<typeof compileFastValidator>[0]): FastValidator | null {
  try {
    return compileFastValidator(schema);
  } catch {
    return null;
  }
}
const FAST: Partial<Record<ParsedTopic['kind'], { check: FastValidator | null; parse: (j: unknown) => unknown }>> = {
  telemetry: { check: tryCompile(telemetrySchema), parse: (j) => telemetrySchema.parse(j) },
  event: { check: tryCompile(eventSchema), parse: (j) => eventSchema.parse(j) },
  status: { check: tryCompile(statusSchema), parse: (j) => statusSchema.parse(j) },
};

/**
 * Parsed topics by name: a fleet has a few hundred topic names, and every message used to split its own (here and
 * in the ACL check). Bounded (cleared when full) so a client cycling through invented topics cannot grow it;
 * entries are shared, read-only.
 */
const topicCache = new Map<string, ParsedTopic | null>();
const TOPIC_CACHE_MAX = 4096;
export function cachedTopic(name: string): ParsedTopic | null {
  let t = topicCache.get(name);
  if (t === undefined) {
    t = parseTopic(name);
    if (topicCache.size >= TOPIC_CACHE_MAX) topicCache.clear();
    topicCache.set(name, t);
  }
  return t;
}

/** A valid message from the fast path: its content is parsed (through zod) only if someone reads `msg`. */
class LazyValid {
  readonly ok = true;
  private parsed: unknown = undefined;
  constructor(
    readonly topic: ParsedTopic,
    readonly kind: 'telemetry' | 'event' | 'status',
    readonly env: ValidEnvelope,
    private readonly payload: Buffer,
    private readonly parse: (json: unknown) => unknown,
  ) {}

  get msg(): unknown {
    return (this.parsed ??= this.parse(JSON.parse(this.payload.toString('utf8'))));
  }
}

export function validatePayload(topicName: string, payload: Buffer, maxBytes = MAX_PAYLOAD_BYTES): Validated {
  const topic = cachedTopic(topicName);
  if (!topic) return { ok: false, reason: 'unknown_topic', detail: topicName.slice(0, 200) };
  const base = { stationId: topic.stationId, kind: topic.kind };
  if (payload.length > maxBytes)
    return {
      ok: false,
      reason: 'too_large',
      detail: `${payload.length} bytes > ${maxBytes}`,
      ...base,
      ...settlingEnvelope(topic, payload),
    };
  const fast = FAST[topic.kind];
  const fastEnv = fast?.check?.(payload);
  if (fast && fastEnv && fastEnv.stationId === topic.stationId) {
    // Valid for sure (the compiled check mirrors the schema); zod runs only if someone reads the content.
    const env = { stationId: topic.stationId, ts: fastEnv.ts as number, seq: fastEnv.seq as number };
    return new LazyValid(topic, topic.kind as LazyValid['kind'], env, payload, fast.parse) as Validated;
  }
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'invalid_json', detail: (err as Error).message.slice(0, 200), ...base };
  }
  const env = envelopeOf(json);
  // cmd payloads carry no stationId; everything else must name the topic's station.
  if (topic.kind !== 'cmd' && env.stationId !== topic.stationId) {
    return {
      ok: false,
      reason: 'station_mismatch',
      detail: `payload stationId ${String(env.stationId).slice(0, 80)}`,
      ...base,
    };
  }
  const parsed = schemaByKind[topic.kind].safeParse(json);
  if (!parsed.success) {
    const settles =
      (topic.kind === 'telemetry' || topic.kind === 'event') &&
      Number.isSafeInteger(env.seq) &&
      (env.seq as number) >= 0;
    return {
      ok: false,
      reason: 'schema',
      detail: detailOf(parsed.error.issues),
      ...base,
      ...(settles ? { seq: env.seq as number, ts: Number.isSafeInteger(env.ts) ? (env.ts as number) : 0 } : {}),
    };
  }
  switch (topic.kind) {
    case 'telemetry': {
      const msg = parsed.data as Telemetry;
      return { ok: true, topic, kind: 'telemetry', env: { stationId: msg.stationId, ts: msg.ts, seq: msg.seq }, msg };
    }
    case 'event': {
      const msg = parsed.data as StationEvent;
      return { ok: true, topic, kind: 'event', env: { stationId: msg.stationId, ts: msg.ts, seq: msg.seq }, msg };
    }
    case 'status': {
      const msg = parsed.data as Status;
      return { ok: true, topic, kind: 'status', env: { stationId: msg.stationId, ts: msg.ts, seq: msg.seq }, msg };
    }
    default:
      return { ok: true, topic, kind: 'other', msg: parsed.data };
  }
}

/**
 * The seq (and ts) of an oversized telemetry/event that names the topic's station, so its rejection settles that
 * seq like a schema failure does (it used to stall the station's ack for good). The packet is at most the broker's
 * maxPacketBytes (1 MiB), read once.
 */
function settlingEnvelope(topic: ParsedTopic, payload: Buffer): { seq?: number; ts?: number } {
  if (topic.kind !== 'telemetry' && topic.kind !== 'event') return {};
  let env: { stationId?: unknown; seq?: unknown; ts?: unknown };
  try {
    env = envelopeOf(JSON.parse(payload.toString('utf8')));
  } catch {
    return {};
  }
  if (env.stationId !== topic.stationId || !Number.isSafeInteger(env.seq) || (env.seq as number) < 0) return {};
  return { seq: env.seq as number, ts: Number.isSafeInteger(env.ts) ? (env.ts as number) : 0 };
}

function envelopeOf(json: unknown): { stationId?: unknown; seq?: unknown; ts?: unknown } {
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
}
