// The simulator's control API (`GET /api/sim...`, on the demo's HTTP server and `rikscha sim --control-port`) as
// zod schemas: the simulator builds its answers as these types, the dashboard's training panel reads them.

import { z } from 'zod';

/** The faults the simulator can put on a dock (training mode and tests). */
export const SIM_FAULT_NAMES = [
  'unplug',
  'garbage',
  'crc-errors',
  'no-answer',
  'cell-drift-high',
  'over-temperature',
  'stuck-relay',
  'ignore-setpoints',
  'swap-battery',
] as const;
export const simFaultNameSchema = z.enum(SIM_FAULT_NAMES);
export type SimFaultName = z.infer<typeof simFaultNameSchema>;

export const SIM_DEVICE_KINDS = ['bms', 'charger', 'vesc'] as const;
export const simDeviceKindSchema = z.enum(SIM_DEVICE_KINDS);

export const LED_COLOURS = ['off', 'green', 'yellow', 'red', 'blue', 'white'] as const;
export const LED_PATTERNS = ['off', 'on', 'blink', 'blink-fast', 'pulse', 'sequence'] as const;

export const simDeviceSchema = z.object({
  dock: z.number().int(),
  kind: simDeviceKindSchema,
  /** What a station config puts in `port`: a pty path, `tcp://host:port` or `mock:...`. */
  address: z.string(),
  transport: z.string(),
  present: z.boolean(),
  baudRate: z.number().int(),
  unit: z.number().int().optional().describe('Modbus unit, for chargers'),
  sharedWith: z.array(z.number().int()).optional().describe('other docks on the same line (shared RS-485 bus)'),
  batteryId: z.string().optional().describe('BMS: the battery id it reports'),
});

export const simActiveFaultSchema = z.object({
  dock: z.number().int(),
  fault: simFaultNameSchema,
  /** What it acts on: a device's line, the battery itself, or the charger's power stage. */
  target: z.enum([...SIM_DEVICE_KINDS, 'battery']),
  sinceS: z.number().describe('simulated seconds since start when it was injected'),
});
export type SimActiveFault = z.infer<typeof simActiveFaultSchema>;

export const simIoBoardSchema = z.object({
  leds: z.array(z.object({ id: z.string(), colour: z.enum(LED_COLOURS), pattern: z.enum(LED_PATTERNS) })),
  /** The screen's lines, as the station last wrote them. */
  lcd: z.array(z.string()),
  backlight: z.boolean(),
});

/** `GET /api/sim`. */
export const simStateSchema = z.object({
  stationId: z.string(),
  simTimeS: z.number(),
  speed: z.number(),
  devices: z.array(simDeviceSchema),
  faults: z.array(simActiveFaultSchema),
  /** Every fault that can be injected: the training panel offers these. */
  faultNames: z.array(simFaultNameSchema),
  ioBoard: simIoBoardSchema,
});
export type SimState = z.infer<typeof simStateSchema>;

/** `GET /api/sim/faults`. */
export const simFaultListSchema = z.object({ faults: z.array(simActiveFaultSchema) });

/** `GET /api/sim/truth`: the battery models' true state per dock, for checking the station's estimates. */
export const simTruthSchema = z.object({
  simTimeS: z.number(),
  batteries: z.array(
    z.object({
      dock: z.number().int(),
      batteryId: z.string(),
      away: z.boolean(),
      socPct: z.number(),
      sohPct: z.number(),
      resistanceOhm: z.number(),
      resistance25COhm: z.number(),
      temperatureC: z.number(),
      ambientC: z.number(),
      remainingAh: z.number(),
      fullChargeAh: z.number(),
      cycles: z.number(),
      currentA: z.number(),
      cellSocPct: z.array(z.number()),
    }),
  ),
});
export type SimTruth = z.infer<typeof simTruthSchema>;
