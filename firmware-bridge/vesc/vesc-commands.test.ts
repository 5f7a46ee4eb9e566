import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { hexBytes, vescVectors, vector } from './fixtures/vesc-vectors.ts';
import {
  VESC_ALL_VALUES_MASK,
  VESC_GET_VALUES_LENGTH,
  aliveRequest,
  decodeFwVersionReply,
  decodeGetValuesReply,
  decodeGetValuesSelectiveReply,
  decodeVescRequest,
  encodeFwVersionReply,
  encodeGetValuesReply,
  encodeGetValuesSelectiveReply,
  fwVersionRequest,
  getValuesRequest,
  getValuesSelectiveRequest,
  setCurrentBrakeRequest,
  setCurrentRequest,
  setDutyRequest,
  setRpmRequest,
  vescCommandLabel,
  vescFault,
  vescValuesMask,
  type VescFirmwareInfo,
  type VescValues,
} from './vesc-commands.ts';
import { decodeVescPacket, encodeVescPacket } from './vesc-packet.ts';

const payloadOf = (id: string): Buffer => {
  const d = decodeVescPacket(hexBytes(vector(id).hex ?? ''));
  if (!d.ok) throw d.error;
  return d.value.payload;
};

const extra = (id: string) => {
  const v = vescVectors.extra.find((x) => x.id === id);
  if (!v) throw new Error(id);
  return hexBytes(v.hex);
};

/** The values V8 lists, as the codec types them. */
const V8_VALUES: VescValues = {
  tempFetC: 35.2,
  tempMotorC: 48.7,
  motorCurrentA: 12.34,
  inputCurrentA: 8.5,
  idA: -0.5,
  iqA: 12.3,
  duty: 0.456,
  erpm: 15000,
  inputV: 50.4,
  ampHours: 1.2345,
  ampHoursCharged: 0.0123,
  wattHours: 62.5,
  wattHoursCharged: 0.6,
  tachometer: 123456,
  tachometerAbs: 130000,
  fault: { code: 0, name: 'NONE' },
  pidPosDeg: 0,
  controllerId: 0,
  tempMosC: [35, 35.5, 34.8],
  vdV: 1.5,
  vqV: 20.25,
  timeoutActive: false,
  killSwitchActive: false,
};

describe('VESC request encoders (vectors V1–V6 and the extra ones)', () => {
  it.each([
    ['V1', getValuesRequest()],
    ['V2', fwVersionRequest()],
    ['V3', aliveRequest()],
    ['V4', setCurrentRequest(5)],
    ['V5', setCurrentBrakeRequest(3)],
    ['V6', getValuesSelectiveRequest(0x8105)],
  ])('%s', (id, payload) => {
    expect(encodeVescPacket(payload)).toEqual(hexBytes(vector(id).hex ?? ''));
  });

  it('SET_DUTY 0.25 and SET_RPM 2000', () => {
    expect(encodeVescPacket(setDutyRequest(0.25))).toEqual(extra('SET_DUTY'));
    expect(encodeVescPacket(setRpmRequest(2000))).toEqual(extra('SET_RPM'));
  });

  it('V6 mask is temp_fet | motor current | v_in | fault', () => {
    expect(vescValuesMask('TEMP_FET', 'MOTOR_CURRENT', 'INPUT_V', 'FAULT')).toBe(vector('V6').mask);
  });

  it('decodes what it encodes, as the simulator sees it', () => {
    expect(decodeVescRequest(payloadOf('V4'))).toEqual({ ok: true, value: { command: 'SET_CURRENT', amps: 5 } });
    expect(decodeVescRequest(payloadOf('V5'))).toEqual({ ok: true, value: { command: 'SET_CURRENT_BRAKE', amps: 3 } });
    expect(decodeVescRequest(payloadOf('V6'))).toEqual({
      ok: true,
      value: { command: 'GET_VALUES_SELECTIVE', mask: 0x8105 },
    });
    expect(decodeVescRequest(Buffer.from([6, 0])).ok).toBe(false);
    const unknown = decodeVescRequest(Buffer.from([77]));
    expect(!unknown.ok && unknown.error.code).toBe('UNSUPPORTED');
    expect(vescCommandLabel(4)).toBe('COMM_GET_VALUES');
  });

  it('truncates a current to whole mA like the firmware, and round-trips through the request decoder', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000, max: 2_000_000 }), (mA) => {
        const d = decodeVescRequest(setCurrentRequest(mA / 1000));
        return d.ok && d.value.command === 'SET_CURRENT' && d.value.amps === mA / 1000;
      }),
    );
  });
});

describe('COMM_GET_VALUES reply', () => {
  it('V8 decodes to exactly the listed values', () => {
    const d = decodeGetValuesReply(payloadOf('V8'));
    expect(d).toEqual({ ok: true, value: V8_VALUES });
  });

  it('V8 values encode byte-exact (the simulator reproduces the vector)', () => {
    expect(encodeGetValuesReply(V8_VALUES)).toEqual(payloadOf('V8'));
    expect(encodeVescPacket(encodeGetValuesReply(V8_VALUES))).toEqual(hexBytes(vector('V8').hex ?? ''));
  });

  it('the full reply is 74 bytes and carries all 22 fields', () => {
    expect(VESC_GET_VALUES_LENGTH).toBe(74);
    expect(VESC_ALL_VALUES_MASK).toBe(0x3fffff);
  });

  it('rejects a short (older-firmware) reply and a wrong id with typed errors', () => {
    const short = decodeGetValuesReply(payloadOf('V8').subarray(0, 60));
    expect(!short.ok && short.error.code).toBe('BAD_PAYLOAD');
    const wrong = decodeGetValuesReply(Buffer.from([5]));
    expect(!wrong.ok && wrong.error.code).toBe('UNSUPPORTED');
  });

  it('ignores bytes a newer firmware appends', () => {
    const d = decodeGetValuesReply(Buffer.concat([payloadOf('V8'), Buffer.from([1, 2, 3])]));
    expect(d.ok && d.value.tachometerAbs).toBe(130000);
  });

  it('names fault codes 0..33 and unknown ones', () => {
    expect(vescFault(2)).toEqual({ code: 2, name: 'UNDER_VOLTAGE' });
    expect(vescFault(33).name).toBe('ABS_OVERSPEED');
    expect(vescFault(34).name).toBe('UNKNOWN_34');
  });
});

describe('COMM_GET_VALUES_SELECTIVE reply', () => {
  it('V7 decodes to 41.3 °C, 0 A, 38.9 V, fault 2 UNDER_VOLTAGE and nothing else', () => {
    const d = decodeGetValuesSelectiveReply(payloadOf('V7'));
    expect(d).toEqual({
      ok: true,
      value: {
        mask: 0x8105,
        values: { tempFetC: 41.3, motorCurrentA: 0, inputV: 38.9, fault: { code: 2, name: 'UNDER_VOLTAGE' } },
      },
    });
  });

  it('V7 encodes byte-exact from a full value set', () => {
    const v: VescValues = { ...V8_VALUES, tempFetC: 41.3, motorCurrentA: 0, inputV: 38.9, fault: vescFault(2) };
    expect(encodeGetValuesSelectiveReply(v, 0x8105)).toEqual(payloadOf('V7'));
  });

  it('any mask selects exactly its fields; full mask equals GET_VALUES after the id and mask', () => {
    const full = decodeGetValuesReply(payloadOf('V8'));
    if (!full.ok) throw full.error;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (mask) => {
        const d = decodeGetValuesSelectiveReply(encodeGetValuesSelectiveReply(V8_VALUES, mask));
        if (!d.ok || d.value.mask !== mask) return false;
        for (const [k, v] of Object.entries(d.value.values)) {
          expect(v).toEqual(full.value[k as keyof VescValues]);
        }
        return Object.keys(d.value.values).length === countKeys(mask & VESC_ALL_VALUES_MASK);
      }),
    );
    const all = encodeGetValuesSelectiveReply(V8_VALUES, VESC_ALL_VALUES_MASK);
    expect(all.subarray(5)).toEqual(payloadOf('V8').subarray(1));
  });

  it('a reply shorter than its mask promises is BAD_PAYLOAD', () => {
    const d = decodeGetValuesSelectiveReply(payloadOf('V7').subarray(0, 10));
    expect(!d.ok && d.error.code).toBe('BAD_PAYLOAD');
  });
});

/** Keys a mask yields: one per bit, except bit 21 (status) which gives two. */
function countKeys(mask: number): number {
  let n = 0;
  for (let b = 0; b < 22; b++) if ((mask >>> b) & 1) n += b === 21 ? 2 : 1;
  return n;
}

describe('GET_VALUES encode/decode properties', () => {
  const fixed = (scale: number, bits: 16 | 32) => {
    const lim = bits === 16 ? 0x7fff : 0x7fffffff;
    return fc.integer({ min: -lim, max: lim }).map((n) => n / scale);
  };
  const values: fc.Arbitrary<VescValues> = fc.record({
    tempFetC: fixed(10, 16),
    tempMotorC: fixed(10, 16),
    motorCurrentA: fixed(100, 32),
    inputCurrentA: fixed(100, 32),
    idA: fixed(100, 32),
    iqA: fixed(100, 32),
    duty: fixed(1000, 16),
    erpm: fixed(1, 32),
    inputV: fixed(10, 16),
    ampHours: fixed(1e4, 32),
    ampHoursCharged: fixed(1e4, 32),
    wattHours: fixed(1e4, 32),
    wattHoursCharged: fixed(1e4, 32),
    tachometer: fixed(1, 32),
    tachometerAbs: fixed(1, 32),
    fault: fc.integer({ min: 0, max: 255 }).map(vescFault),
    pidPosDeg: fixed(1e6, 32),
    controllerId: fc.integer({ min: 0, max: 255 }),
    tempMosC: fc.tuple(fixed(10, 16), fixed(10, 16), fixed(10, 16)),
    vdV: fixed(1000, 32),
    vqV: fixed(1000, 32),
    timeoutActive: fc.boolean(),
    killSwitchActive: fc.boolean(),
  });

  it('round-trips every value that is representable on the wire', () => {
    fc.assert(
      fc.property(values, (v) => {
        expect(decodeGetValuesReply(encodeGetValuesReply(v))).toEqual({ ok: true, value: v });
      }),
    );
  });

  it('never throws on random payloads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (p) => {
        for (const decode of [
          decodeGetValuesReply,
          decodeGetValuesSelectiveReply,
          decodeFwVersionReply,
          decodeVescRequest,
        ]) {
          decode(p);
          decode(Buffer.concat([Buffer.from([4]), p]));
          decode(Buffer.concat([Buffer.from([50]), p]));
          decode(Buffer.concat([Buffer.from([0]), p]));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('COMM_FW_VERSION reply', () => {
  const full: VescFirmwareInfo = {
    major: 6,
    minor: 5,
    hwName: '75_300_R2',
    uuid: '3a001b000f5131373634383a',
    pairingDone: true,
    testVersion: 0,
    hwType: 0,
    customConfigs: 1,
    hasPhaseFilters: true,
    qmlHw: 0,
    qmlApp: 2,
    nrfFlags: 0,
    fwName: 'rikscha',
  };

  it('encodes the current layout and decodes it back', () => {
    const p = encodeFwVersionReply(full);
    expect([...p.subarray(0, 3)]).toEqual([0, 6, 5]);
    expect(p.subarray(3, 13).toString('latin1')).toBe('75_300_R2\0');
    expect(p.length).toBe(3 + 10 + 12 + 8 + 8);
    expect(decodeFwVersionReply(p)).toEqual({ ok: true, value: full });
  });

  it('is lenient about what an older firmware leaves off', () => {
    const p = encodeFwVersionReply(full);
    for (let n = 3; n <= p.length; n++) {
      const d = decodeFwVersionReply(p.subarray(0, n));
      expect(d.ok).toBe(true);
      expect(d.ok && [d.value.major, d.value.minor]).toEqual([6, 5]);
    }
    expect(decodeFwVersionReply(Buffer.from([0, 3, 40]))).toEqual({
      ok: true,
      value: { major: 3, minor: 40, hwName: '' },
    });
    const headless = decodeFwVersionReply(p.subarray(0, 13 + 12));
    expect(headless.ok && headless.value.uuid).toBe(full.uuid);
    expect(headless.ok && headless.value.pairingDone).toBeUndefined();
    const tooShort = decodeFwVersionReply(Buffer.from([0, 6]));
    expect(!tooShort.ok && tooShort.error.code).toBe('BAD_PAYLOAD');
  });

  it('round-trips any prefix of the optional fields', () => {
    const keys = [
      'uuid',
      'pairingDone',
      'testVersion',
      'hwType',
      'customConfigs',
      'hasPhaseFilters',
      'qmlHw',
      'qmlApp',
      'nrfFlags',
      'fwName',
    ] as const;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: keys.length }), fc.stringMatching(/^[A-Za-z0-9_]{0,20}$/), (n, name) => {
        const info: VescFirmwareInfo = { major: full.major, minor: full.minor, hwName: name };
        for (const k of keys.slice(0, n)) Object.assign(info, { [k]: full[k] });
        expect(decodeFwVersionReply(encodeFwVersionReply(info))).toEqual({ ok: true, value: info });
      }),
    );
  });
});
