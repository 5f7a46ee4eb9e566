// A simulated device on a socat pseudo-terminal pair: the device opens one end, a station opens the other (the same
// code path as a USB serial adapter). Unplugging kills socat, so both links vanish; plugging starts it again.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SerialTransport } from '../../firmware-bridge/transports/serial-transport.ts';
import type { SimPort, SimPortFactory } from './sim-port.ts';

/** Waits for a condition on real time (socat is a real process); gives up after `tries` × 20 ms. */
async function until(probe: () => boolean, what: string, tries = 250): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export class PtySimPort implements SimPort {
  readonly kind = 'pty' as const;
  readonly device: SerialTransport;
  readonly hostAddress: string;
  private readonly devicePath: string;
  private proc: ChildProcess | null = null;

  constructor(
    readonly name: string,
    dir: string,
    baudRate: number,
  ) {
    const file = name.replace(/[^A-Za-z0-9._-]/g, '-');
    this.hostAddress = join(dir, file);
    this.devicePath = join(dir, `${file}.sim`);
    this.device = new SerialTransport(this.devicePath, { baudRate });
  }

  get present(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.device.isOpen;
  }

  async plug(): Promise<void> {
    if (this.present) return;
    const proc = spawn('socat', [`pty,raw,echo=0,link=${this.hostAddress}`, `pty,raw,echo=0,link=${this.devicePath}`], {
      stdio: 'ignore',
    });
    this.proc = proc;
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) =>
        reject(new Error(`cannot start socat for ${this.name}: ${err.message} (apt-get install socat)`)),
      );
    });
    failed.catch(() => undefined);
    await Promise.race([
      until(() => existsSync(this.hostAddress) && existsSync(this.devicePath), `socat links for ${this.name}`),
      failed,
    ]);
    await this.device.open();
  }

  async unplug(): Promise<void> {
    await this.device.close();
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    await gone;
    await until(() => !existsSync(this.hostAddress), `socat to remove ${this.hostAddress}`);
  }

  dispose(): Promise<void> {
    return this.unplug();
  }
}

/** Pty pairs in `dir`: the station opens `<dir>/<name>`, the device `<dir>/<name>.sim`. */
export function ptyPortFactory(dir: string): SimPortFactory {
  return (name, baudRate) => new PtySimPort(name, dir, baudRate);
}
