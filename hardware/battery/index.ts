// Public face of the battery pack model: the pack, its config, the charger that drives it and the seeded generator.
// The simulator's BMS and charger devices import from here rather than from the individual files.
export { BatteryPack, MAX_SUBSTEP_S } from './battery-pack.ts';
export type { BatteryTruth } from './battery-pack.ts';
export { batteryPackConfigSchema, parseBatteryPackConfig } from './pack-config.ts';
export type { BatteryPackConfig, BatteryPackConfigInput } from './pack-config.ts';
export { ChargerModel, chargerStep } from './charger-model.ts';
export type {
  ChargeablePack,
  ChargerLimits,
  ChargerMode,
  ChargerReading,
  ChargerSetpoints,
  ChargerStepResult,
} from './charger-model.ts';
export { BatteryModelError } from './battery-errors.ts';
export type { BatteryModelErrorCode } from './battery-errors.ts';
export { NMC_OCV_TABLE, SOC_MAX, SOC_MIN, cellOcvIntegral, cellOcvV, cellSocAtOcv } from './ocv-curve.ts';
export { capacityFadeFactor, resistanceGrowthFactor, temperatureResistanceFactor } from './ageing.ts';
export { SeededRandom, mulberry32 } from './seeded-random.ts';
