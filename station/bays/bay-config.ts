// Service bays in the station config: each bay has the UART of the rickshaw's motor controller (VESC) on a line of
// its own, the wheel geometry that turns its tachometer into kilometres, and how often it is polled while docked.

import { z } from 'zod';
import type { OdometerConfig } from '../../firmware-bridge/vesc/vesc-odometer.ts';

export const bayGeometrySchema = z.object({
  wheelDiameterM: z.number().positive().max(3).describe('rolling diameter of the driven wheel, m (e.g. 0.52)'),
  motorPoles: z
    .number()
    .int()
    .min(2)
    .max(200)
    .refine((n) => n % 2 === 0, 'an even number of magnet poles')
    .describe('magnet poles of the motor (2 x pole pairs), as the VESC tool calls them'),
  gearRatio: z.number().positive().max(100).default(1).describe('motor turns per wheel turn; 1 for a hub motor'),
});

export const bayConfigSchema = z.object({
  bay: z.number().int().min(1).max(64).describe('bay number as printed at the station'),
  port: z
    .string()
    .min(1)
    .describe('the controller UART: serial device path, tcp://host:port (a serial bridge), or mock:<name>'),
  baudRate: z.number().int().positive().default(115200).describe('baud; VESC UART default 115200'),
  timeoutMs: z.number().int().min(20).max(5000).default(150).describe('reply timeout per request, ms'),
  pollIntervalMs: z
    .number()
    .int()
    .min(200)
    .max(600_000)
    .default(2000)
    .describe('how often the controller is asked, ms: present/absent and a reading'),
  readingIntervalMs: z
    .number()
    .int()
    .min(1000)
    .max(86_400_000)
    .default(60_000)
    .describe('how often a reading is published while docked, ms (arrival, fault and departure always)'),
  missesToLeave: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe('polls in a row without an answer before the rickshaw counts as gone'),
  geometry: bayGeometrySchema
    .optional()
    .describe('wheel and motor: kilometres from the tachometer; absent = only the controller odometer counts'),
});

export type BayConfig = z.infer<typeof bayConfigSchema>;
export type BayGeometry = z.infer<typeof bayGeometrySchema>;

/** The driver's odometer config for a bay's geometry. */
export function odometerFor(g: BayGeometry): OdometerConfig {
  return { polePairs: g.motorPoles / 2, wheelCircumferenceM: Math.PI * g.wheelDiameterM, gearRatio: g.gearRatio };
}

/**
 * Problems in the bays against the rest of the config: a bay number twice, two bays on one port, or a bay on a
 * dock's line (a bay polls on its own line, so the charge loop's lines never wait behind it).
 */
export function bayConflicts(
  bays: readonly BayConfig[],
  dockPorts: ReadonlySet<string>,
): Array<{ path: (string | number)[]; message: string }> {
  const out: Array<{ path: (string | number)[]; message: string }> = [];
  const numbers = new Set<number>();
  const ports = new Map<string, number>();
  bays.forEach((b, i) => {
    if (numbers.has(b.bay)) out.push({ path: ['bays', i, 'bay'], message: `bay ${b.bay} appears twice` });
    numbers.add(b.bay);
    const other = ports.get(b.port);
    if (other !== undefined)
      out.push({ path: ['bays', i, 'port'], message: `bay ${other} already uses ${b.port}: one line per bay` });
    ports.set(b.port, b.bay);
    if (dockPorts.has(b.port))
      out.push({ path: ['bays', i, 'port'], message: `${b.port} is a dock's line: a bay needs a line of its own` });
  });
  return out;
}
