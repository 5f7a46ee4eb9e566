// The outbox: seqs that survive a reopen, ack-driven forgetting, resend timing, and thinning that spares events.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.ts';
import { openStationDb } from './station-db.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'rikscha-outbox-'));
const msg = (kind: 'telemetry' | 'event') => (seq: number) => ({
  topic: `t/${kind}`,
  payload: JSON.stringify({ stationId: 's', ts: seq, seq, docks: [1, 2, 3] }),
  kind,
});

describe('Outbox', () => {
  it('gives out seqs that keep growing across a reopen', () => {
    const d = dir();
    let db = openStationDb(d, 's1');
    let box = new Outbox(db, { maxMessages: 1000 });
    expect([box.append(msg('telemetry')), box.append(msg('event')), box.append(msg('telemetry'))]).toEqual([1, 2, 3]);
    box.acknowledge(3);
    expect(box.size()).toBe(0);
    db.close();
    db = openStationDb(d, 's1');
    box = new Outbox(db, { maxMessages: 1000 });
    expect(box.lastSeq()).toBe(3);
    expect(box.append(msg('telemetry'))).toBe(4);
    db.close();
  });

  it('keeps a message until the ack covers it and resends it after the timeout', () => {
    const db = openStationDb(dir(), 's2');
    const box = new Outbox(db, { maxMessages: 1000 });
    for (let i = 0; i < 5; i++) box.append(msg('telemetry'));
    expect(box.dueMessages(0, 100).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    for (const r of box.dueMessages(0, 100)) box.markPublished(r.seq, 1000);
    expect(box.dueMessages(500, 100)).toEqual([]);
    box.acknowledge(3);
    expect(box.dueMessages(1001, 100).map((r) => r.seq)).toEqual([4, 5]);
    box.resendAll();
    expect(box.dueMessages(0, 1).map((r) => r.seq)).toEqual([4]);
    // Live data first: the newest unsent, newest first, whatever backlog lies below it.
    box.append(msg('telemetry'));
    expect(box.newestUnsent(2).map((r) => r.seq)).toEqual([6, 5]);
    box.markPublished(6, 2000);
    expect(box.newestUnsent(2).map((r) => r.seq)).toEqual([5, 4]);
    db.close();
  });

  it('thins the oldest telemetry to placeholders when full, keeping every seq, and never touches an event', () => {
    const db = openStationDb(dir(), 's3');
    const box = new Outbox(db, { maxMessages: 50 });
    const events: number[] = [];
    for (let i = 0; i < 200; i++) {
      if (i % 10 === 0) events.push(box.append(msg('event')));
      else box.append(msg('telemetry'));
    }
    expect(box.size()).toBeLessThanOrEqual(50);
    expect(box.dropped).toBeGreaterThan(0);
    const left = box.dueMessages(0, 1000);
    // Every seq still goes out, so the central ack can move past the thinned ones.
    expect(left.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const leftEvents = left.filter((r) => r.kind === 'event');
    expect(leftEvents.map((r) => r.seq)).toEqual(events);
    for (const e of leftEvents) expect(JSON.parse(e.payload)).toMatchObject({ docks: [1, 2, 3] });
    const thinned = left.filter((r) => r.kind === 'thinned');
    expect(thinned).toHaveLength(box.dropped);
    for (const t of thinned)
      expect(JSON.parse(t.payload)).toEqual({ stationId: 's', ts: t.seq, seq: t.seq, docks: [], thinned: true });
    // The newest telemetry is kept whole.
    expect(JSON.parse(left.at(-1)?.payload ?? '{}')).toMatchObject({ seq: 200, docks: [1, 2, 3] });
    db.close();
  });
});
