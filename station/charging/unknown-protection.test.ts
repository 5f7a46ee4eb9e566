// Protection bits the JBD table has no name for still mean "the BMS is protecting something": decoded as
// `unknown-bit-N`, they stop a charging dock, keep a resting one from starting, and need a person once gone.

import { describe, expect, it } from 'vitest';
import { decodeBasicInfo, encodeBasicInfo } from '../../firmware-bridge/jbd/jbd-registers.ts';
import { Rig, simDock, view } from './charging-test-kit.ts';

describe('unknown BMS protection bits', () => {
  it('are named by the decoder, not dropped', () => {
    const raw = encodeBasicInfo({
      voltageV: 50.7,
      currentA: 2,
      remainingAh: 7,
      nominalAh: 14,
      cycles: 3,
      productionDate: { year: 2024, month: 5, day: 17 },
      balancing: [],
      protectionBits: 0x4000,
      protection: [],
      softwareVersion: '2.2',
      socPct: 50,
      chargeFetOn: true,
      dischargeFetOn: true,
      cellCount: 13,
      tempsC: [25],
    });
    const r = decodeBasicInfo(raw);
    expect(r.ok && r.value.protection).toEqual(['unknown-bit-14']);
  });

  it('stop a charging dock at once, name the bit, and wait for a person after they clear', () => {
    const rig = new Rig([simDock(1)]);
    rig.run(3);
    expect(view(rig.step(), 1).state).toBe('charging');
    rig.dock(1).protection = ['unknown-bit-14'];
    const r = rig.step();
    expect(r.commands[0]).toEqual({ dock: 1, kind: 'off', reason: 'BMS protection: unknown-bit-14' });
    expect(view(r, 1)).toMatchObject({ state: 'fault', reason: 'BMS protection: unknown-bit-14', awaitingAck: false });
    expect(rig.dock(1).out.on).toBe(false);

    rig.dock(1).protection = [];
    const gone = rig.run(3);
    // Unknown means serious: the cause is gone, but the dock waits for the button instead of charging again.
    expect(view(gone, 1)).toMatchObject({ state: 'fault', awaitingAck: true });
    expect(rig.dock(1).out.on).toBe(false);
    expect(rig.controller.acknowledge(1).accepted).toBe(true);
    rig.run(5);
    expect(view(rig.step(), 1).state).toBe('charging');
  });

  it('keep a resting battery from starting', () => {
    const rig = new Rig([simDock(1, { protection: ['unknown-bit-15'] })]);
    const r = rig.run(3);
    expect(view(r, 1)).toMatchObject({ state: 'fault', quarantined: true, doNotDispatch: true });
    expect(view(r, 1).reason).toContain('unknown-bit-15');
    expect(rig.dock(1).out.on).toBe(false);
  });
});
