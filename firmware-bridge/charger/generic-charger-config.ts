// Schema (zod 4) of a charger model file for the generic Modbus charger driver: registers, scaling, function codes,
// on/off values, optional comms watchdog. A new charger model is a JSON file, not code. Units and ranges in describe().

import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const register = z
  .int()
  .min(0)
  .max(65535)
  .describe('Register address, 0-based decimal (as `mbpoll -0` counts); 0..65535');
const u16 = z.int().min(0).max(65535).describe('Raw 16-bit register value; 0..65535');
const readFc = z.literal([3, 4]).describe('3 = read holding registers, 4 = read input registers');
const writeFc = z.literal([6, 16]).describe('6 = write single register, 16 = write multiple registers');
const multiplier = z
  .number()
  .positive()
  .finite()
  .default(1)
  .describe('Engineering value = raw × multiplier + offset; e.g. 0.01 for a register in centivolts. > 0, default 1');
const offset = z
  .number()
  .finite()
  .default(0)
  .describe('Added after the multiplier, in the engineering unit; default 0');

/** A value the driver reads. */
const scaled = z.strictObject({
  register,
  words: z
    .literal([1, 2])
    .default(1)
    .describe(
      '1 = one 16-bit register; 2 = 32-bit value, high word in `register`, low word in `register + 1`. Default 1',
    ),
  signed: z.boolean().default(false).describe("Two's complement (16 or 32 bit). Default false"),
  signRegister: register
    .optional()
    .describe('Sign-magnitude: a separate register that is non-zero when the value is negative'),
  multiplier,
  offset,
});

/** A set-point the driver writes and reads back: one unsigned 16-bit register. */
const writable = z.strictObject({ register, multiplier, offset });

const readBlock = z.strictObject({
  functionCode: readFc.default(3),
  start: register,
  count: z.int().min(1).max(125).describe('Registers in one request; 1..125 (Modbus limit)'),
  when: z
    .enum(['always', 'output-on'])
    .default('always')
    .describe("'always': every read; 'output-on': only while the output is on (e.g. Ah/Wh counters). Default 'always'"),
});

export const genericChargerConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    model: z.string().min(1).describe('Model name for logs and the dashboard, e.g. "RD6018"'),
    notes: z.string().optional().describe('Free text: sources, quirks (JSON has no comments)'),
    defaultUnit: z
      .int()
      .min(1)
      .max(247)
      .default(1)
      .describe('Modbus unit address when the dock config gives none; 1..247, default 1'),
    limits: z.strictObject({
      maxVoltageV: z.number().positive().max(1000).describe('Highest voltage set-point accepted, V; > 0'),
      maxCurrentA: z.number().positive().max(1000).describe('Highest current set-point accepted, A; > 0'),
    }),
    identity: z
      .strictObject({
        functionCode: readFc.default(3),
        register: register.describe('Register holding the model id'),
        readCount: z
          .int()
          .min(1)
          .max(125)
          .default(1)
          .describe('Registers read from `register` on first contact (id, serial, firmware); default 1'),
        accept: z
          .array(z.union([u16, z.strictObject({ min: u16, max: u16 })]))
          .min(1)
          .describe(
            'Model ids this file fits: single values or {min, max} ranges; a device reporting another id is refused',
          ),
      })
      .optional()
      .describe('Checked once before the first read or write, so a wrong model file cannot scale set-points wrongly'),
    reads: z
      .array(readBlock)
      .min(1)
      .describe('Register blocks, one request each; every register below must lie in one'),
    setpoints: z.strictObject({
      functionCode: writeFc
        .default(16)
        .describe('16 writes V and I in one request when their registers are adjacent; default 16'),
      voltage: writable.describe('Voltage set-point register, V'),
      current: writable.describe('Current set-point register, A'),
    }),
    output: z.strictObject({
      register,
      on: u16.default(1).describe('Raw value meaning output on; default 1'),
      off: u16.default(0).describe('Raw value meaning output off; default 0'),
      functionCode: writeFc.default(6).describe('Function code used to switch; default 6'),
    }),
    measurements: z.strictObject({
      voltageV: scaled.describe('Measured output voltage, V'),
      currentA: scaled.describe('Measured output current, A'),
      powerW: scaled.optional().describe('Output power, W'),
      inputV: scaled.optional().describe('Input supply voltage, V'),
      tempC: scaled.optional().describe('Charger internal temperature, °C'),
      batteryV: scaled.optional().describe('Battery-sense voltage, V'),
      ah: scaled.optional().describe('Charge counter, Ah'),
      wh: scaled.optional().describe('Energy counter, Wh'),
    }),
    mode: z
      .strictObject({ register, ccValue: u16.describe('Raw value meaning constant-current mode; anything else is CV') })
      .optional()
      .describe('CV/CC register; without one, CC is inferred when measured current ≥ 97 % of its set-point'),
    protection: z
      .strictObject({
        register,
        values: z
          .record(z.string().regex(/^\d+$/, 'expected a decimal raw value'), z.enum(['none', 'ovp', 'ocp']))
          .describe('Raw value → meaning, e.g. {"0": "none", "1": "ovp"}; unlisted values read as "other" (a fault)'),
      })
      .optional()
      .describe("Protection status register; without one, protection always reads 'none'"),
    protectionLimits: z
      .strictObject({
        functionCode: writeFc.default(16).describe('16 writes OVP and OCP in one request when adjacent; default 16'),
        ovp: writable.describe('Over-voltage trip point, V'),
        ocp: writable.describe('Over-current trip point, A'),
      })
      .optional()
      .describe('Device-side trip points, so the charger clamps a runaway set-point by itself'),
    commsTimeout: z
      .strictObject({
        register,
        msPerUnit: z
          .number()
          .positive()
          .default(1000)
          .describe('Milliseconds per raw unit (1000 = register in seconds); default 1000'),
        functionCode: writeFc.default(6),
      })
      .optional()
      .describe('Comms watchdog: output off after this long without a request. Absent = the charger has none'),
  })
  .superRefine((cfg, ctx) => {
    const covered = (reg: number, alwaysOnly: boolean) =>
      cfg.reads.some((b) => reg >= b.start && reg < b.start + b.count && (!alwaysOnly || b.when === 'always'));
    const need = (path: (string | number)[], reg: number, alwaysOnly: boolean) => {
      if (covered(reg, alwaysOnly)) return;
      const blocks = cfg.reads
        .filter((b) => !alwaysOnly || b.when === 'always')
        .map((b) => `${b.start}..${b.start + b.count - 1}`);
      ctx.addIssue({
        code: 'custom',
        path,
        message: `register ${reg} is in no ${alwaysOnly ? "'always' " : ''}read block (${blocks.join(', ') || 'none'})`,
      });
    };
    cfg.reads.forEach((b, i) => {
      if (b.start + b.count > 0x10000)
        ctx.addIssue({ code: 'custom', path: ['reads', i, 'count'], message: 'block runs past register 65535' });
    });
    // Every read needs these to build a reading, and 'output-on' blocks are decided from the output register.
    need(['setpoints', 'voltage', 'register'], cfg.setpoints.voltage.register, true);
    need(['setpoints', 'current', 'register'], cfg.setpoints.current.register, true);
    need(['output', 'register'], cfg.output.register, true);
    need(['measurements', 'voltageV', 'register'], cfg.measurements.voltageV.register, true);
    need(['measurements', 'currentA', 'register'], cfg.measurements.currentA.register, true);
    if (cfg.mode) need(['mode', 'register'], cfg.mode.register, true);
    if (cfg.protection) need(['protection', 'register'], cfg.protection.register, true);
    for (const [key, m] of Object.entries(cfg.measurements)) {
      if (!m) continue;
      need(['measurements', key, 'register'], m.register, false);
      if (m.words === 2) need(['measurements', key, 'register'], m.register + 1, false);
      if (m.signRegister !== undefined) need(['measurements', key, 'signRegister'], m.signRegister, false);
    }
    if (cfg.output.on === cfg.output.off)
      ctx.addIssue({ code: 'custom', path: ['output', 'off'], message: 'on and off must differ' });
    cfg.identity?.accept.forEach((a, i) => {
      if (typeof a !== 'number' && a.min > a.max)
        ctx.addIssue({ code: 'custom', path: ['identity', 'accept', i, 'max'], message: 'max is below min' });
    });
  });

export type GenericChargerConfig = z.output<typeof genericChargerConfigSchema>;
export type ScaledRegister = z.output<typeof scaled>;
export type WritableRegister = z.output<typeof writable>;

export type ConfigResult = { ok: true; config: GenericChargerConfig } | { ok: false; problems: string[] };

/** `setpoints.voltage.register`, `reads[1].count`: the path form `rikscha check-config` prints. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)),
    '',
  );
}

/** Validates a parsed model file; every problem is reported at once, each with the path of its field. */
export function parseGenericChargerConfig(input: unknown): ConfigResult {
  const r = genericChargerConfigSchema.safeParse(input);
  if (r.success) return { ok: true, config: r.data };
  return { ok: false, problems: r.error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`) };
}

/** Reads and validates a model file; never throws for a bad file (missing, not JSON, invalid). */
export async function loadGenericChargerConfig(file: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, problems: [`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`${file}: not JSON (${(err as Error).message})`] };
  }
  const r = parseGenericChargerConfig(json);
  return r.ok ? r : { ok: false, problems: r.problems.map((p) => `${file}: ${p}`) };
}
