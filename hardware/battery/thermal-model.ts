// Lumped thermal model of a pack: one heat capacity, one thermal resistance to the air around it.
// Solved exactly for constant power over a step, so large steps (faster than real time) stay stable.

/** Temperature (°C) the pack settles at when `heatW` flows in steadily. */
export function steadyStateTemperatureC(ambientC: number, heatW: number, thermalResistanceKPerW: number): number {
  return ambientC + heatW * thermalResistanceKPerW;
}

/**
 * Temperature after `dtS` seconds of constant heating: C·dT/dt = P − (T − T_amb)/R_th, whose solution relaxes
 * exponentially towards the steady state with time constant τ = R_th·C.
 */
export function relaxTemperatureC(
  tempC: number,
  ambientC: number,
  heatW: number,
  dtS: number,
  thermalMassJPerK: number,
  thermalResistanceKPerW: number,
): number {
  const target = steadyStateTemperatureC(ambientC, heatW, thermalResistanceKPerW);
  const tau = thermalResistanceKPerW * thermalMassJPerK;
  return target + (tempC - target) * Math.exp(-dtS / tau);
}
