// Typed errors of the battery model: callers and tests match on `code`, the message is for people.
// Codes start with BATTERY_ so the simulator can tell the pack's complaints from a codec's or a transport's.

export type BatteryModelErrorCode =
  'BATTERY_INVALID_CONFIG' | 'BATTERY_INVALID_STEP' | 'BATTERY_NO_SUCH_CELL' | 'BATTERY_INVALID_ARGUMENT';

export class BatteryModelError extends Error {
  constructor(
    readonly code: BatteryModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BatteryModelError';
  }
}
