// The attention list: what needs a person, each with its station and dock, worst first; a cell spread and a hot pack
// rated as the battery API rates them; an offline station once; alerts placed where their pack is.

import { describe, expect, it } from 'vitest';
import { attentionListSchema, type StationView } from '../../contract/http-api.ts';
import type { DockTelemetry } from '../../contract/messages.ts';
import type { StoredAlert } from '../health/alert-store.ts';
import { attentionItems } from './attention.ts';

const NOW = 1_700_000_000_000;

function dock(n: number, over: Partial<DockTelemetry> = {}, pack: { cellsV?: number[]; tempsC?: number[] } = {}) {
  return {
    dock: n,
    state: 'charging',
    battery: {
      id: `P-${n}`,
      socPct: 50,
      voltageV: 50,
      currentA: 4,
      cellsV: pack.cellsV ?? [3.8, 3.81, 3.8],
      tempsC: pack.tempsC ?? [25],
      cycles: 10,
      protection: [],
    },
    charger: { online: true, outputOn: true, voltageV: 54, currentA: 4, setCurrentA: 4 },
    ...over,
  } satisfies DockTelemetry;
}

function station(id: string, docks: DockTelemetry[], online = true): StationView {
  return {
    stationId: id,
    online,
    lastSeen: NOW - 90_000,
    lastSeq: 1,
    ackSeq: 1,
    missingSeqs: 0,
    rejectedSeqs: 0,
    status: null,
    telemetryTs: NOW - 90_000,
    docks,
  };
}

function alert(over: Partial<StoredAlert>): StoredAlert {
  return {
    id: 1,
    subjectKind: 'battery',
    subjectId: 'P-9',
    code: 'soh-replace',
    severity: 'warning',
    raisedAt: NOW - 5000,
    clearedAt: null,
    message: 'State of health is 78.0 %.',
    action: 'Plan a replacement pack.',
    recovery: null,
    value: 78,
    ...over,
  };
}

describe('attention items', () => {
  it('lists nothing for a healthy fleet', () => {
    expect(attentionItems([station('a', [dock(1), dock(2)])], [], () => undefined, NOW)).toEqual([]);
  });

  it('puts faults first, then by kind and figure, each with station and dock', () => {
    const stations = [
      station('a', [
        dock(1, {}, { cellsV: [3.8, 3.87] }), // 70 mV: warning
        dock(2, { state: 'fault', code: 'E12', reason: 'over-temperature' }, { tempsC: [58] }), // fault + hot fault
        dock(3, { awaitingAck: true }),
      ]),
      station('b', [dock(1, {}, { cellsV: [3.7, 3.906] }), dock(2, {}, { tempsC: [47] })]), // 206 mV fault; hot warning
    ];
    const items = attentionItems(stations, [], () => undefined, NOW);
    expect(attentionListSchema.parse({ items }).items).toHaveLength(6);
    expect(items.map((i) => [i.severity, i.kind, i.stationId, i.dock, i.value])).toEqual([
      ['fault', 'dock-fault', 'a', 2, null],
      ['fault', 'hot', 'a', 2, 58],
      ['fault', 'cell-spread', 'b', 1, 206],
      ['warning', 'hot', 'b', 2, 47],
      ['warning', 'cell-spread', 'a', 1, 70],
      ['warning', 'awaiting-ack', 'a', 3, null],
    ]);
    expect(items[0]).toMatchObject({ code: 'E12', reason: 'over-temperature', batteryId: 'P-2' });
    // Keys are stable and unique: the dashboard keys its rows by them.
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
    expect(attentionItems(stations, [], () => undefined, NOW + 1000).map((i) => i.key)).toEqual(
      items.map((i) => i.key),
    );
  });

  it('says an offline station is stale once, unless a no-data alert already says so', () => {
    const off = station('c', [dock(1)], false);
    const stale = attentionItems([off], [], () => undefined, NOW);
    expect(stale.map((i) => [i.kind, i.stationId, i.value, i.since])).toEqual([['stale', 'c', 90, NOW - 90_000]]);
    const silent = alert({ subjectKind: 'station', subjectId: 'c', code: 'no-data', severity: 'fault', value: 21 });
    const withAlert = attentionItems([off], [silent], () => undefined, NOW);
    expect(withAlert.map((i) => [i.kind, i.code, i.stationId, i.severity])).toEqual([
      ['health-alert', 'no-data', 'c', 'fault'],
    ]);
  });

  it('places a pack alert at its dock, or where the pack was last seen', () => {
    const stations = [station('a', [dock(1)])];
    const docked = alert({ subjectId: 'P-1' });
    const away = alert({ id: 2, subjectId: 'P-9', code: 'missing', value: 12.5 });
    const items = attentionItems(
      stations,
      [docked, away],
      (id) => (id === 'P-9' ? { stationId: 'z', dock: 4 } : undefined),
      NOW,
    );
    expect(items.map((i) => [i.code, i.batteryId, i.stationId, i.dock, i.value])).toEqual([
      ['soh-replace', 'P-1', 'a', 1, 78],
      ['missing', 'P-9', 'z', 4, 12.5],
    ]);
  });
});
