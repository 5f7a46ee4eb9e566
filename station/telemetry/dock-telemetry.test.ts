// The dock object of a telemetry message: what the charging core says beyond the readings (waiting for the button,
// an unconfirmed safety action, charger switch-ons) travels only when set, and passes the contract's schema.

import { describe, expect, it } from 'vitest';
import { dockSchema } from '../../contract/messages.ts';
import { bmsReading } from '../charging/charging-test-kit.ts';
import type { DockView } from '../charging/charging-types.ts';
import { dockTelemetry } from './dock-telemetry.ts';

const view = (over: Partial<DockView> = {}): DockView => ({
  dock: 1,
  state: 'fault',
  batteryId: 'pack-1',
  doNotDispatch: true,
  stopped: false,
  quarantined: false,
  awaitingAck: false,
  grantedA: 0,
  setVoltageV: 0,
  targetSocPct: null,
  departureAt: null,
  expectedSocAtDeparturePct: null,
  bookingId: null,
  ...over,
});

describe('dock telemetry', () => {
  it('carries awaitingAck, the alarm and the charger switch-ons when the core sets them', () => {
    const bms = { at: 1000, value: bmsReading() };
    const d = dockTelemetry(
      1,
      bms,
      null,
      1000,
      1500,
      view({ awaitingAck: true, alarm: 'charge-fet-stuck', chargerCycles: 4 }),
    );
    expect(d).toMatchObject({ awaitingAck: true, alarm: 'charge-fet-stuck', chargerCycles: 4 });
    expect(dockSchema.parse(d)).toEqual(d);
  });

  it('leaves them out when not set', () => {
    const d = dockTelemetry(1, null, null, 1000, 1500, view());
    expect(d).not.toHaveProperty('awaitingAck');
    expect(d).not.toHaveProperty('alarm');
    expect(d).not.toHaveProperty('chargerCycles');
  });
});
