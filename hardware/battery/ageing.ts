// How a cell's capacity and resistance change with use, calendar age and temperature.
// Tuned so an NMC pack reaches the common end-of-life point (80 % capacity, 2 × resistance) near 800 full cycles.

/**
 * Remaining capacity as a fraction of new. The square-root terms are the fast early loss (SEI growth, which follows
 * √time and √throughput); the linear term is the steady loss of active material with cycling. At 800 cycles ≈ 0.81;
 * a year on the shelf costs ≈ 2.5 %. Never below 0.3, where the model would stop meaning anything.
 */
export function capacityFadeFactor(cycles: number, ageDays: number): number {
  const c = Math.max(0, cycles);
  const d = Math.max(0, ageDays);
  return Math.max(0.3, 1 - 0.0025 * Math.sqrt(c) - 0.00015 * c - 0.0013 * Math.sqrt(d));
}

/**
 * DC resistance as a multiple of new: grows roughly linearly with cycles (≈ 2 × at 800, the usual R_EOL convention of
 * protocols.md §6) and slowly on the shelf (≈ 5 % a year).
 */
export function resistanceGrowthFactor(cycles: number, ageDays: number): number {
  return 1 + 0.0012 * Math.max(0, cycles) + 0.00015 * Math.max(0, ageDays);
}

/** Activation temperature (K) of the Arrhenius law below; 2500 K gives ≈ 2 × resistance at 0 °C vs 25 °C. */
const RESISTANCE_ACTIVATION_K = 2500;

/**
 * Resistance multiple at a temperature relative to 25 °C: electrolyte conduction and charge transfer slow down in the
 * cold, which is why resistance-based SoH must be normalised to 25 °C (protocols.md §6).
 */
export function temperatureResistanceFactor(tempC: number): number {
  const t = Math.min(90, Math.max(-40, tempC)) + 273.15;
  return Math.exp(RESISTANCE_ACTIVATION_K * (1 / t - 1 / 298.15));
}
