// The dock state machine alone: legal moves with events, fault causes and acknowledgement, maintenance.

import { describe, expect, it } from 'vitest';
import { DockMachine, type FaultCause } from './dock-state.ts';

const serious: FaultCause = {
  kind: 'interlock',
  code: 'charger-over-voltage',
  reason: 'charger output 58 V',
  serious: true,
  doNotDispatch: false,
};
const mild: FaultCause = {
  kind: 'interlock',
  code: 'temperature',
  reason: 'battery at 47 °C',
  serious: false,
  doNotDispatch: true,
};

describe('DockMachine', () => {
  it('records every transition as an event with from, to and the battery', () => {
    const m = new DockMachine(3);
    const ev = [
      ...m.insert('pack-9', 1),
      ...m.charge('charging', 2),
      ...m.charge('balancing', 3),
      ...m.charge('full', 4),
    ];
    expect(ev.map((e) => `${String(e.data['from'])}>${String(e.data['to'])}`)).toEqual([
      'empty>idle',
      'idle>charging',
      'charging>balancing',
      'balancing>full',
    ]);
    expect(ev[0]).toMatchObject({ type: 'dock-state', severity: 'info', dock: 3, data: { batteryId: 'pack-9' } });
  });

  it('refuses illegal moves', () => {
    const m = new DockMachine(1);
    m.insert('p', 0);
    m.charge('charging', 0);
    expect(m.remove(0)).toEqual([]); // a charging dock does not just empty: the stale interlock handles it
    expect(m.state).toBe('charging');
    expect(new DockMachine(1).charge('charging', 0)).toEqual([]); // not in service
  });

  it('a swapped battery is a removal and an insertion', () => {
    const m = new DockMachine(1);
    m.insert('a', 0);
    const ev = m.insert('b', 1);
    expect(ev.map((e) => e.data['to'])).toEqual(['empty', 'idle']);
    expect(m.batteryId).toBe('b');
  });

  it('a serious fault clears only after the cause is gone and a person acknowledged it', () => {
    const m = new DockMachine(2);
    m.insert('p', 0);
    expect(m.raise(serious, 1)[0]).toMatchObject({
      severity: 'fault',
      data: { to: 'fault', code: 'charger-over-voltage', serious: true },
    });
    expect(m.acknowledge().accepted).toBe(false);
    m.setCauseGone(true);
    expect(m.resolve(2, true)).toEqual([]);
    expect(m.awaitingAck).toBe(true);
    expect(m.acknowledge().accepted).toBe(true);
    expect(m.resolve(3, true)[0]?.data).toMatchObject({ from: 'fault', to: 'idle' });
    expect(m.fault).toBeNull();
  });

  it('a mild fault clears by itself; a new cause re-arms the acknowledgement', () => {
    const m = new DockMachine(2);
    m.insert('p', 0);
    m.raise(mild, 1);
    expect(m.doNotDispatch).toBe(true);
    expect(m.raise(mild, 2)).toEqual([]); // known cause: no second event
    expect(m.raise(serious, 2)[0]).toMatchObject({ type: 'dock-fault' });
    m.setCauseGone(true);
    expect(m.resolve(3, true)).toEqual([]);
    m.acknowledge();
    expect(m.resolve(4, false)[0]?.data['to']).toBe('empty');
  });

  it('maintenance keeps a standing fault underneath', () => {
    const m = new DockMachine(5);
    m.insert('p', 0);
    m.raise(serious, 1);
    expect(m.setMaintenance(true, 2)[0]?.data).toMatchObject({ from: 'fault', to: 'maintenance' });
    expect(m.setMaintenance(false, 3)[0]?.data).toMatchObject({ from: 'maintenance', to: 'fault' });
    m.setCauseGone(true);
    m.acknowledge();
    m.resolve(4, true);
    m.setMaintenance(true, 5);
    expect(m.setMaintenance(false, 6)[0]?.data['to']).toBe('idle');
  });

  it('a quarantine leaves with its battery', () => {
    const m = new DockMachine(1);
    m.insert('p', 0);
    m.raise(
      {
        kind: 'quarantine',
        code: 'retire',
        reason: 'battery is flagged for retirement',
        serious: false,
        doNotDispatch: true,
      },
      1,
    );
    expect(m.reason).toBe('quarantine: battery is flagged for retirement');
    expect(m.remove(2)[0]?.data['to']).toBe('empty');
    expect(m.fault).toBeNull();
  });
});
