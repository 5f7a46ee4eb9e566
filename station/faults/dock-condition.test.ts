// Every cause the charging core can raise, and every reason it gives for not charging, lands on one code of the table;
// the temperature cause splits by the pack's sensors; telemetry carries the code beside the reason.

import { describe, expect, it } from 'vitest';
import { DOCK_CONDITIONS } from '../../contract/fault-codes.ts';
import { bmsReading, Rig, simDock, view } from '../charging/charging-test-kit.ts';
import type { InterlockCode } from '../charging/interlocks.ts';
import type { QuarantineCode } from '../charging/quarantine.ts';
import { dockTelemetry } from '../telemetry/dock-telemetry.ts';
import { dockCondition, dockFaultCode } from './dock-condition.ts';

// Records over the core's code unions: a new interlock or quarantine code fails to compile here until it has a row.
const INTERLOCK: Record<InterlockCode, true> = {
  'bms-protection': true,
  'cell-over-voltage': true,
  temperature: true,
  'charger-over-voltage': true,
  'charger-over-current': true,
  'ignores-setpoint': true,
  'stale-bms': true,
  'stale-charger': true,
  'charger-not-off': true,
};
const QUARANTINE: Record<QuarantineCode, true> = {
  'voltage-class': true,
  'charger-class': true,
  temperature: true,
  'cell-spread': true,
  'cell-under-voltage': true,
  'cell-over-voltage': true,
  'bms-protection': true,
  retire: true,
};

describe('dockCondition', () => {
  it('places every interlock and quarantine cause in the table, never on the unknown code', () => {
    const seen = new Set<string>();
    for (const [codes, quarantined] of [
      [Object.keys(INTERLOCK), false],
      [Object.keys(QUARANTINE), true],
    ] as const) {
      for (const code of codes) {
        for (const temps of [[60], [-5], []]) {
          const c = dockCondition({ code, quarantined }, temps);
          expect(c, `${code} quarantined=${quarantined}`).not.toBe('unknown:fault');
          if (c) seen.add(c);
        }
      }
    }
    // Every interlock:/quarantine: condition of the table is reachable from the core's codes.
    const table = DOCK_CONDITIONS.filter((c) => c.startsWith('interlock:') || c.startsWith('quarantine:'));
    expect([...seen].sort()).toEqual([...table].sort());
  });

  it('splits temperature into hot, cold and missing by the sensors', () => {
    expect(dockFaultCode({ code: 'temperature', quarantined: false }, [30, 61])?.code).toBe('E12');
    expect(dockFaultCode({ code: 'temperature', quarantined: true }, [-3, 2])?.code).toBe('E13');
    expect(dockFaultCode({ code: 'temperature', quarantined: false }, [])?.code).toBe('E11');
    expect(dockFaultCode({ code: 'temperature', quarantined: false }, null)?.code).toBe('E11');
  });

  it('keeps the side a temperature fault was latched at after the pack has cooled or warmed', () => {
    const hot = { code: 'temperature' as const, quarantined: false, reason: 'battery at 47.4 °C, outside 0..45 °C' };
    expect(dockFaultCode(hot, [21, 22])?.code).toBe('E12');
    const cold = { code: 'temperature' as const, quarantined: false, reason: 'battery at -3 °C, outside 0..45 °C' };
    expect(dockFaultCode(cold, [30, 31])?.code).toBe('E13');
    // A missing sensor says nothing about the side the fault was latched at.
    expect(dockFaultCode(hot, null)?.code).toBe('E12');
  });

  it('an unknown cause or reason still gets a code', () => {
    expect(dockFaultCode({ code: 'flux-capacitor', quarantined: false }, null)?.code).toBe('E61');
    expect(dockFaultCode({ reason: 'moon phase', quarantined: false }, null)?.code).toBe('I61');
    expect(dockFaultCode({ quarantined: false }, null)).toBeNull();
  });

  it('maps the reasons the controller really gives for not charging', () => {
    const rig = new Rig([simDock(1), simDock(2, { chargerSilent: true }), simDock(3)]);
    rig.controller.stopCharging(1);
    rig.budget = { maxW: 0 };
    const r = rig.run(5);
    const code = (n: number) => dockFaultCode(view(r, n), [25])?.code;
    expect([view(r, 1).reason, code(1)]).toEqual(['stopped by command', 'I11']);
    expect([view(r, 2).reason, code(2)]).toEqual(['charger not answering', 'I12']);
    expect([view(r, 3).reason, code(3)]).toEqual(['no budget left', 'I21']);
  });

  it('maps a real over-temperature interlock and a quarantined pack due for retirement', () => {
    const rig = new Rig([simDock(1), simDock(2, { health: { retire: true } })]);
    rig.run(20);
    rig.dock(1).tempsC = [58, 50];
    const r = rig.run(3);
    expect(view(r, 1).state).toBe('fault');
    expect(dockFaultCode(view(r, 1), [58, 50])?.code).toBe('E12');
    expect(dockFaultCode(view(r, 2), [25])?.code).toBe('E53');
  });
});

describe('dock telemetry', () => {
  it('puts the code beside the reason, from the view and the fresh battery', () => {
    const rig = new Rig([simDock(1)]);
    rig.run(20);
    rig.dock(1).tempsC = [-8, -6];
    const r = rig.run(3);
    const input = rig.input(rig.dock(1));
    const t = dockTelemetry(1, input.bms, input.charger, rig.now, 10_000, view(r, 1));
    expect(t.state).toBe('fault');
    expect(t.reason).toMatch(/°C/);
    expect(t.code).toBe('E13');
  });

  it('without a view, BMS protection still carries E21; a quiet dock carries no code', () => {
    const at = 1000;
    const bms = { at, value: bmsReading({ protection: ['cell-over-voltage'] }) };
    expect(dockTelemetry(1, bms, null, at, 5000).code).toBe('E21');
    expect(dockTelemetry(1, { at, value: bmsReading() }, null, at, 5000).code).toBeUndefined();
  });
});
