// One finding of `rikscha doctor`: what was checked, what was seen, and for a problem what to do about it.

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  /** What was seen, in plain words. */
  detail: string;
  /** What to do, for a warning or a failure. */
  fix?: string;
}

export const ok = (check: string, detail: string): CheckResult => ({ check, status: 'ok', detail });
export const warn = (check: string, detail: string, fix: string): CheckResult => ({
  check,
  status: 'warn',
  detail,
  fix,
});
export const fail = (check: string, detail: string, fix: string): CheckResult => ({
  check,
  status: 'fail',
  detail,
  fix,
});

/** Runs a check with a deadline; a check that hangs is a failure that says so, not a doctor that hangs. */
export async function withDeadline<T>(ms: number, what: string, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (${what})`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
