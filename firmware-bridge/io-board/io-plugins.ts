// Creates the johnny-five IO object the config asks for: the virtual IO, Firmata over our serialport 13, or a Pi GPIO
// plugin. The Pi plugins are optional packages loaded with a dynamic import, so a station without them still starts.

import { SerialPort } from 'serialport';
import type { Clock } from '../../lib/clock.ts';
import type { IoBoardConfig } from './io-board-config.ts';
import { VirtualIo } from './virtual-io.ts';

export type IoBoardErrorCode =
  | 'PLUGIN_MISSING' // an optional IO plugin package is not installed
  | 'PLUGIN_LOAD_FAILED' // it is installed but failed to load (e.g. its native part)
  | 'OPEN_FAILED' // the board did not become ready
  | 'UNKNOWN_LED'
  | 'UNKNOWN_BUTTON'
  | 'CLOSED';

export class IoBoardError extends Error {
  constructor(
    readonly code: IoBoardErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`io-board: ${message}`, options);
    this.name = 'IoBoardError';
  }
}

/** Loads a package by name; injectable so tests can stand in for packages that are (not) installed. */
export type ModuleImporter = (name: string) => Promise<unknown>;

// A variable specifier keeps TypeScript from resolving optional, untyped packages at compile time.
export const importModule: ModuleImporter = (name) => import(name) as Promise<unknown>;

export interface CreatedIo {
  io: object;
  /** Set when the IO is the virtual one, for tests and the simulator. */
  virtual: VirtualIo | null;
  /** Releases what the IO holds (the serial port); johnny-five has no close of its own. */
  close(): Promise<void>;
  /** Resolves on the board's answer to a round trip (Firmata: its version); absent where there is no wire. */
  ping?: () => Promise<void>;
}

type Ctor = new (...args: unknown[]) => object;

const WHY_OPTIONAL: Record<string, string> = {
  'linux-io': 'it is an optional dependency: it needs Linux GPIO sysfs and i2c-bus',
  'raspi-io': 'it is an optional dependency: it builds only on a Raspberry Pi (arm)',
  firmata: 'johnny-five installs it; reinstall johnny-five',
};

function isNotFound(err: unknown, name: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  const message = String((err as { message?: unknown }).message ?? '');
  // Only the package itself missing counts; a missing dependency of an installed plugin is a load failure.
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(`'${name}'`);
}

async function loadPlugin(name: string, importer: ModuleImporter): Promise<unknown> {
  try {
    return await importer(name);
  } catch (err) {
    if (isNotFound(err, name)) {
      throw new IoBoardError(
        'PLUGIN_MISSING',
        `IO plugin "${name}" is not installed: run \`npm install ${name}\` on the station (${WHY_OPTIONAL[name] ?? 'optional'})`,
        {
          cause: err,
        },
      );
    }
    throw new IoBoardError(
      'PLUGIN_LOAD_FAILED',
      `IO plugin "${name}" failed to load: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

/** The class a CommonJS or ES module exports under one of `names`, or as its default. */
function pickCtor(mod: unknown, name: string, ...names: string[]): Ctor {
  const candidates: unknown[] = [];
  const m = mod as Record<string, unknown> | null;
  const d = m?.['default'] as Record<string, unknown> | undefined;
  for (const n of names) candidates.push(m?.[n], d?.[n]);
  candidates.push(d, m);
  const found = candidates.find((c) => typeof c === 'function');
  if (!found)
    throw new IoBoardError(
      'PLUGIN_LOAD_FAILED',
      `IO plugin "${name}" exports no constructor (tried ${[...names, 'default'].join(', ')})`,
    );
  return found as Ctor;
}

/** Every pin the board config uses, for plugins that must be told their pins up front. */
function usedPins(cfg: IoBoardConfig): Array<number | string> {
  const pins: Array<number | string> = [];
  for (const led of Object.values(cfg.leds)) for (const p of Object.values(led.pins)) if (p !== undefined) pins.push(p);
  for (const b of Object.values(cfg.buttons)) if (b) pins.push(b.pin);
  return pins;
}

const gpioNumber = (p: number | string): number =>
  typeof p === 'number' ? p : Number(/^(?:GPIO)?(\d+)$/i.exec(p)?.[1] ?? Number.NaN);

interface FirmataIo {
  reportVersion(cb: () => void): void;
  queryFirmware(cb: () => void): void;
  on(event: 'error', cb: (err: unknown) => void): void;
  removeAllListeners(event: 'error'): void;
}

/**
 * Releases the serial port. Writes still pending on a line the board stopped reading (a hung board) are cancelled by
 * the close and come back as 'error' events (BindingsError: Canceled); nobody waits for them any more, so they are
 * absorbed here instead of crashing the daemon as unhandled errors.
 */
function closeFirmataPort(port: SerialPort, firmata: FirmataIo): Promise<void> {
  const absorb = () => {};
  port.on('error', absorb);
  // johnny-five re-emits the IO's errors on its Board, whose listeners the closing IoBoard has already removed.
  firmata.removeAllListeners('error');
  firmata.on('error', absorb);
  return new Promise<void>((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}

export async function createIo(
  cfg: IoBoardConfig,
  clock: Clock,
  importer: ModuleImporter = importModule,
): Promise<CreatedIo> {
  const io = cfg.io;
  switch (io.type) {
    case 'virtual': {
      const numeric = usedPins(cfg).map(gpioNumber).filter(Number.isInteger);
      const virtual = new VirtualIo({ clock, pinCount: Math.max(64, ...numeric.map((n) => n + 1)) });
      return { io: virtual, virtual, close: async () => {} };
    }
    case 'firmata': {
      // johnny-five's own port opening calls `new require('serialport')(path)`, the serialport 8 API; serialport 13
      // exports a module object, so we open the port ourselves and hand Firmata the open stream.
      const Firmata = pickCtor(await loadPlugin('firmata', importer), 'firmata', 'Board');
      const port = new SerialPort({ path: io.port, baudRate: io.baudRate });
      const firmata = new Firmata(port) as FirmataIo;
      // serialport discards what arrived before it opened, so a board that booted earlier has already sent its
      // version and firmata.js would wait its 5 s before asking. Ask at once: a running board answers in
      // milliseconds; a booting one ignores the question and announces itself when its firmware starts.
      port.once('open', () => {
        firmata.reportVersion(() => {});
        firmata.queryFirmware(() => {});
      });
      // Version answers cannot be told apart, so pings go one at a time: each resolves on the answer to its own.
      let pings = Promise.resolve();
      return {
        io: firmata,
        virtual: null,
        close: () => closeFirmataPort(port, firmata),
        ping: () => (pings = pings.then(() => new Promise<void>((resolve) => firmata.reportVersion(() => resolve())))),
      };
    }
    case 'linux-io': {
      const LinuxIO = pickCtor(await loadPlugin('linux-io', importer), 'linux-io', 'LinuxIO');
      const pins = usedPins(cfg).map(gpioNumber);
      const bad = usedPins(cfg).find((p) => !Number.isInteger(gpioNumber(p)));
      if (bad !== undefined)
        throw new IoBoardError('OPEN_FAILED', `linux-io addresses pins by GPIO number; "${String(bad)}" is not one`);
      const plugin = new LinuxIO({ pins, defaultI2cBus: io.i2cBus });
      // linux-io is a base class for IO plugins: the subclass, here us, announces readiness (linux-io README).
      setImmediate(() => {
        (plugin as { emit?: (e: string) => void }).emit?.('connect');
        (plugin as { emit?: (e: string) => void }).emit?.('ready');
      });
      return { io: plugin, virtual: null, close: async () => {} };
    }
    case 'raspi-io': {
      const RaspiIO = pickCtor(await loadPlugin('raspi-io', importer), 'raspi-io', 'RaspiIO');
      return { io: new RaspiIO({ enableSerial: false }), virtual: null, close: async () => {} };
    }
  }
}
