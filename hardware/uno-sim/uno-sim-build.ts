// Makes the simulated Uno runnable: compiles uno-sim.c against Debian's simavr with gcc, and fetches the StandardFirmata
// hex once. Both are cached under node_modules/.cache (never committed); a changed C source builds a new binary.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(HERE, 'uno-sim.c');
const CACHE = join(HERE, '..', '..', 'node_modules', '.cache', 'rikscha-uno-sim');

/**
 * StandardFirmata 2.4 built for the Uno, as the avrgirl-arduino package ships it (MIT). Only its tarball is fetched,
 * with the ordinary npm client: installing the package would pull a git dependency this project cannot fetch.
 */
export const FIRMWARE_PACKAGE = 'avrgirl-arduino@5.0.1';
const FIRMWARE_IN_PACKAGE = 'package/junk/hex/uno/StandardFirmata.cpp.hex';
const SIMAVR_HEADER = '/usr/include/simavr/sim_avr.h';

export class UnoSimSetupError extends Error {
  constructor(message: string) {
    super(`uno-sim: ${message}`);
    this.name = 'UnoSimSetupError';
  }
}

function run(cmd: string, args: string[], what: string, cwd?: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...(cwd ? { cwd } : {}), timeout: 180_000 });
  if (r.error) throw new UnoSimSetupError(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new UnoSimSetupError(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
}

/** The compiled harness; built when missing. Needs gcc and the Debian packages libsimavr-dev and libsimavr2. */
export function buildUnoSim(): string {
  if (spawnSync('sh', ['-c', 'command -v gcc']).status !== 0)
    throw new UnoSimSetupError('gcc is not installed: run `apt-get install -y gcc`');
  if (!existsSync(SIMAVR_HEADER))
    throw new UnoSimSetupError(
      `${SIMAVR_HEADER} is missing: run \`apt-get install -y libsimavr-dev\` (simavr 1.6 from Debian)`,
    );
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const binary = join(CACHE, `uno-sim-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE, { recursive: true });
  // Built beside its final name and renamed: test files building at the same time never run a half-written binary.
  const tmp = `${binary}.${process.pid}.tmp`;
  run('gcc', ['-O2', '-Wall', '-I/usr/include/simavr', '-o', tmp, SOURCE, '-lsimavr'], 'compiling uno-sim.c');
  renameSync(tmp, binary);
  return binary;
}

/** The StandardFirmata hex: `RIKSCHA_UNO_FIRMWARE` if set, else the cached copy, fetched on first use. */
export function unoFirmware(): string {
  const fromEnv = process.env.RIKSCHA_UNO_FIRMWARE;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new UnoSimSetupError(`RIKSCHA_UNO_FIRMWARE: no file ${fromEnv}`);
    return fromEnv;
  }
  const hex = join(CACHE, 'StandardFirmata-uno.hex');
  if (existsSync(hex)) return hex;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, 'fetch-'));
  try {
    run(
      'npm',
      ['pack', FIRMWARE_PACKAGE, '--pack-destination', work, '--silent'],
      `fetching ${FIRMWARE_PACKAGE} (set RIKSCHA_UNO_FIRMWARE to a StandardFirmata hex to skip this)`,
    );
    const tarball = join(work, `${FIRMWARE_PACKAGE.replace('@', '-')}.tgz`);
    run('tar', ['xzf', tarball, FIRMWARE_IN_PACKAGE], 'unpacking the firmware', work);
    renameSync(join(work, FIRMWARE_IN_PACKAGE), hex);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return hex;
}
