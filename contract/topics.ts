// The topic map: every MQTT topic name rikscha uses, built and parsed in one place and keyed to its schema.

import type { z } from 'zod';
import {
  ackSchema,
  commandResultSchema,
  commandSchema,
  eventSchema,
  statusSchema,
  telemetrySchema,
} from './messages.ts';

export const TOPIC_ROOT = 'rikscha/v1';

export const topics = {
  status: (stationId: string) => `${TOPIC_ROOT}/${stationId}/status`,
  telemetry: (stationId: string) => `${TOPIC_ROOT}/${stationId}/telemetry`,
  event: (stationId: string) => `${TOPIC_ROOT}/${stationId}/event`,
  ack: (stationId: string) => `${TOPIC_ROOT}/${stationId}/ack`,
  cmd: (stationId: string, name: string) => `${TOPIC_ROOT}/${stationId}/cmd/${name}`,
  cmdResult: (stationId: string, name: string) => `${TOPIC_ROOT}/${stationId}/cmd/${name}/result`,
  stationPrefix: (stationId: string) => `${TOPIC_ROOT}/${stationId}/`,
};

export type TopicKind = 'status' | 'telemetry' | 'event' | 'ack' | 'cmd' | 'cmdResult';

export const schemaByKind: Record<TopicKind, z.ZodType> = {
  status: statusSchema,
  telemetry: telemetrySchema,
  event: eventSchema,
  ack: ackSchema,
  cmd: commandSchema,
  cmdResult: commandResultSchema,
};

export interface ParsedTopic {
  stationId: string;
  kind: TopicKind;
  /** Command name, for cmd and cmdResult topics. */
  command?: string;
}

/** Splits a topic into station and kind; null for anything outside the map. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length < 4 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return null;
  const stationId = parts[2] ?? '';
  const rest = parts.slice(3);
  if (rest.length === 1) {
    const k = rest[0];
    if (k === 'status' || k === 'telemetry' || k === 'event' || k === 'ack') return { stationId, kind: k };
    return null;
  }
  if (rest[0] === 'cmd' && rest.length === 2 && rest[1]) return { stationId, kind: 'cmd', command: rest[1] };
  if (rest[0] === 'cmd' && rest.length === 3 && rest[2] === 'result' && rest[1])
    return { stationId, kind: 'cmdResult', command: rest[1] };
  return null;
}
