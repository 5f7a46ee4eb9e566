// Distance ridden from the VESC tachometer, and a lifetime odometer that survives the controller's reboots.
//
// Checked against the firmware source (vedderb/bldc, found with the code search): mcpwm_foc.c updates the tachometer
// with "resolution = 60 deg as for BLDC": step = floor((phase + π) / 2π × 6), so each electrical revolution adds 6
// to tachometer_abs; its doc comment says motor revolutions = tacho / (3 × MOTOR_POLE_NUMBER). BLDC mode (mcpwm.c,
// one step per commutation) is said there to have the same resolution; that file itself we did not read.
// mc_interface.c's mc_interface_get_distance_abs() uses tacho_scale = (si_wheel_diameter × π) /
// (3 × si_motor_poles × si_gear_ratio), si_motor_poles being magnet poles (2 × pole pairs): 3 × poles = 6 × pole
// pairs steps per motor revolution. We do the same, with pole pairs and a circumference as inputs.

export interface OdometerConfig {
  /** Motor pole pairs (magnet poles ÷ 2); e-rickshaw hub motors commonly have 15–30. */
  polePairs: number;
  /** Rolling circumference of the driven wheel, in metres (π × diameter, or measured by rolling one turn). */
  wheelCircumferenceM: number;
  /** Motor revolutions per wheel revolution; 1 for a hub motor. Default 1. */
  gearRatio?: number;
}

/** Tachometer steps per electrical revolution, in both FOC and BLDC mode. */
const VESC_TACHO_STEPS_PER_EREV = 6;

export function checkOdometerConfig(cfg: OdometerConfig): void {
  const { polePairs, wheelCircumferenceM, gearRatio = 1 } = cfg;
  const fields = [
    ['polePairs', polePairs],
    ['wheelCircumferenceM', wheelCircumferenceM],
    ['gearRatio', gearRatio],
  ] as const;
  for (const [name, v] of fields) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`odometer ${name} must be a positive number, got ${v}`);
  }
}

/** Metres per tachometer step. */
export function metresPerTachoStep(cfg: OdometerConfig): number {
  return cfg.wheelCircumferenceM / (VESC_TACHO_STEPS_PER_EREV * cfg.polePairs * (cfg.gearRatio ?? 1));
}

/**
 * Kilometres for a tachometer_abs reading. The firmware keeps it in a C int that wraps to negative after 2^31 steps
 * (some 25,000 km on a 23-pole-pair hub motor with a 1.7 m wheel); reading it as unsigned doubles that.
 */
export function tachoToKm(tachometerAbs: number, cfg: OdometerConfig): number {
  return ((tachometerAbs >>> 0) * metresPerTachoStep(cfg)) / 1000;
}

/**
 * tachometer_abs counts from the VESC's boot, so a lifetime odometer adds up differences: a reading below the last
 * one means the controller restarted (power cycle, watchdog), and the new count is all ridden since.
 */
export class TachoOdometer {
  private lastTacho: number | null = null;
  private steps = 0;

  constructor(
    private readonly cfg: OdometerConfig,
    /** Steps already ridden before this process started (persisted by the station). */
    startSteps = 0,
  ) {
    checkOdometerConfig(cfg);
    this.steps = startSteps;
  }

  /**
   * Feeds one reading of tachometer_abs; returns the lifetime distance in km. The first reading only sets the
   * baseline: what the VESC counted before we watched may already be in `startSteps`.
   */
  update(tachometerAbs: number): number {
    const t = tachometerAbs >>> 0;
    if (this.lastTacho !== null) this.steps += t >= this.lastTacho ? t - this.lastTacho : t;
    this.lastTacho = t;
    return this.km;
  }

  get totalSteps(): number {
    return this.steps;
  }

  get km(): number {
    return (this.steps * metresPerTachoStep(this.cfg)) / 1000;
  }
}
