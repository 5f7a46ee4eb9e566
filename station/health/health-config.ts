// Settings of the station's battery-health estimators (one zod schema): when a pack counts as rested, how wide a
// charge must be to measure capacity, what makes a current step, and the cell's OCV curve and temperature law.

import { z } from 'zod';
import { NMC_OCV_POINTS } from './ocv-table.ts';

export const healthConfigSchema = z.object({
  restCurrentA: z
    .number()
    .min(0)
    .max(2)
    .default(0.1)
    .describe('below this |current| the pack counts as resting, A. Default 0.1'),
  chargeStartA: z
    .number()
    .min(0.05)
    .max(10)
    .default(0.3)
    .describe('above this current a charge session begins, A. Default 0.3'),
  minRestS: z
    .number()
    .min(0)
    .max(86_400)
    .default(1800)
    .describe(
      'rest before a cell voltage is taken as its open-circuit voltage (an anchor of the capacity measurement), s. Default 1800',
    ),
  minWindowPct: z
    .number()
    .min(5)
    .max(100)
    .default(40)
    .describe('smallest state-of-charge window between the anchors that yields a capacity, %. Default 40'),
  maxGapS: z
    .number()
    .min(1)
    .max(3600)
    .default(120)
    .describe('a gap between readings longer than this breaks the coulomb count of a session, s. Default 120'),
  fullCutoffC: z
    .number()
    .min(0.005)
    .max(1)
    .default(0.1)
    .describe('a charge whose last current was below this multiple of nominal Ah ended full, 1/h. Default 0.1'),
  balanceCurrentA: z
    .number()
    .min(0)
    .max(2)
    .default(0.05)
    .describe("the BMS balancer's bleed current per cell, A (subtracted from the cell's counted charge). Default 0.05"),
  voltageResolutionMv: z
    .number()
    .min(0.01)
    .max(100)
    .default(1)
    .describe('resolution of a cell voltage reading, mV. Default 1 (JBD)'),
  ocvErrorMv: z
    .number()
    .min(0)
    .max(100)
    .default(1)
    .describe('how far a rested cell may still be from its true OCV (relaxation, hysteresis), mV. Default 1'),
  currentGainSigmaPct: z
    .number()
    .min(0)
    .max(20)
    .default(0.3)
    .describe('one standard deviation of the BMS current gain error, %. Default 0.3'),
  currentResolutionA: z
    .number()
    .min(0.0001)
    .max(1)
    .default(0.01)
    .describe('resolution of a current reading, A. Default 0.01 (JBD)'),
  step: z
    .object({
      minStepA: z.number().min(0.1).max(100).default(1).describe('smallest current step measured, A. Default 1'),
      steadyPct: z
        .number()
        .min(0.1)
        .max(20)
        .default(2)
        .describe('a plateau: readings within this % of its mean current (or 0.05 A). Default 2'),
      plateauReadings: z
        .number()
        .int()
        .min(2)
        .max(20)
        .default(3)
        .describe('steady readings needed on each side of a step. Default 3'),
      tempSigmaC: z
        .number()
        .min(0)
        .max(10)
        .default(0.5)
        .describe('one standard deviation of the pack temperature reading, °C. Default 0.5'),
    })
    .prefault({}),
  activationK: z
    .number()
    .min(0)
    .max(10_000)
    .default(2500)
    .describe(
      'Arrhenius activation temperature of the cell resistance, K (R(T) = R25·exp(k(1/T − 1/298.15))); from the cell datasheet. Default 2500',
    ),
  hotC: z.number().min(0).max(100).default(45).describe('time above this is counted as hot, °C. Default 45'),
  coldC: z.number().min(-40).max(20).default(0).describe('time below this is counted as cold, °C. Default 0'),
  ocvCurve: z
    .array(z.tuple([z.number().min(-0.1).max(1.1), z.number().min(1).max(5)]))
    .min(2)
    .default(NMC_OCV_POINTS.map(([s, v]) => [s, v] as [number, number]))
    .refine(
      (pts) => pts.every((p, i) => i === 0 || (p[0] > (pts[i - 1]?.[0] ?? -1) && p[1] > (pts[i - 1]?.[1] ?? 0))),
      {
        message: 'state of charge and voltage must both rise from point to point',
      },
    )
    .describe("the cell's rested open-circuit voltage against state of charge: [fraction, V] points. Default NMC"),
});

export type HealthConfig = z.output<typeof healthConfigSchema>;
export type HealthConfigInput = z.input<typeof healthConfigSchema>;
