// Parses the shared flags (ports, data dir) with their environment fallbacks, naming the flag in every error.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Flag value, else environment variable, else default; a port must be 0..65535 (0 picks a free port). */
export function portOption(flag: string, value: string | undefined, envName: string, fallback: number): number {
  const raw = value ?? process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`${value !== undefined ? flag : envName}: expected a port number 0..65535, got "${raw}"`);
  }
  return n;
}

export function stringOption(value: string | undefined, envName: string, fallback: string): string {
  const raw = value ?? process.env[envName];
  return raw === undefined || raw === '' ? fallback : raw;
}
