// The fault-code table itself: valid entries, one code per condition, codes and LED patterns that tell each other apart,
// the blink timing and the urgency order.

import { describe, expect, it } from 'vitest';
import {
  compareUrgency,
  DOCK_CONDITIONS,
  FAULT_CODES,
  faultCodeEntry,
  faultCodeEntrySchema,
  faultCodeFor,
  ledCodeSequence,
  LED_CODE_TIMING,
} from './fault-codes.ts';
import { dockSchema } from './messages.ts';

describe('fault-code table', () => {
  it('every entry is valid and every code is unique', () => {
    for (const e of FAULT_CODES) expect(faultCodeEntrySchema.safeParse(e).success, e.code).toBe(true);
    const codes = FAULT_CODES.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('maps every condition to exactly one code', () => {
    for (const c of DOCK_CONDITIONS) {
      const owners = FAULT_CODES.filter((e) => e.conditions.includes(c)).map((e) => e.code);
      expect(owners, c).toHaveLength(1);
      expect(faultCodeFor(c).code).toBe(owners[0]);
    }
    // And no entry claims a condition twice or a condition nobody derives.
    for (const e of FAULT_CODES) expect(new Set(e.conditions).size).toBe(e.conditions.length);
  });

  it('faults start with E and blink their own digits; hints start with I and have no pattern', () => {
    const patterns = new Set<string>();
    for (const e of FAULT_CODES) {
      if (e.kind === 'fault') {
        expect(e.code).toMatch(/^E\d\d$/);
        expect(e.led).not.toBeNull();
        // The pattern spells the code: E12 = 1 flash, gap, 2 flashes.
        expect(e.led?.pulses.join('')).toBe(e.code.slice(1));
        patterns.add(JSON.stringify(e.led));
      } else {
        expect(e.code).toMatch(/^I\d\d$/);
        expect(e.led).toBeNull();
      }
    }
    expect(patterns.size).toBe(FAULT_CODES.filter((e) => e.kind === 'fault').length);
  });

  it('a pack that must not be touched never asks the trainee to take it out', () => {
    for (const e of FAULT_CODES.filter((x) => !x.touchPack)) {
      expect(e.text.de.action).not.toMatch(/herausnehmen|Werkstatt/);
      expect(e.text.en.action).not.toMatch(/take the pack out|shop/i);
    }
  });

  it('E12 blinks once, pauses, twice, then the long pause', () => {
    const e12 = faultCodeEntry('E12');
    if (!e12?.led) throw new Error('E12 missing');
    const { onMs, offMs, gapMs, pauseMs } = LED_CODE_TIMING;
    expect(ledCodeSequence(e12.led)).toEqual([onMs, gapMs, onMs, offMs, onMs, pauseMs]);
    expect(e12.text.de.title).toBe('Akku zu heiß');
  });

  it('orders by urgency: a stuck charger before a hot pack before a wrong pack before any hint', () => {
    const order = [...FAULT_CODES].sort(compareUrgency).map((e) => e.code);
    expect(order.indexOf('E31')).toBe(0);
    expect(order.indexOf('E12')).toBeLessThan(order.indexOf('E51'));
    const firstHint = order.findIndex((c) => c.startsWith('I'));
    expect(order.slice(firstHint).every((c) => c.startsWith('I'))).toBe(true);
  });

  it('dock telemetry carries the code beside the reason, and stays valid without it', () => {
    const dock = {
      dock: 1,
      state: 'fault',
      battery: null,
      charger: { online: true, outputOn: false, voltageV: 0, currentA: 0, setCurrentA: 0 },
      reason: 'battery at 61 °C, outside 0..45 °C',
    };
    expect(dockSchema.safeParse(dock).success).toBe(true);
    expect(dockSchema.parse({ ...dock, code: 'E12' }).code).toBe('E12');
    expect(dockSchema.safeParse({ ...dock, code: 'hot' }).success).toBe(false);
  });
});
