// A simulated Arduino Uno running real firmware (StandardFirmata) in the uno-sim process: its serial line is a pty
// the station opens like a USB board; its output pins, button pins and the 20x4 screen behind the I2C expander are
// read and driven here. The screen is decoded from the expander's bytes as an HD44780 would latch them.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decodeLcdCodes } from '../../firmware-bridge/io-board/hd44780-charset.ts';
import { Hd44780Decoder } from '../../firmware-bridge/io-board/hd44780-decoder.ts';
import { buildUnoSim, unoFirmware } from './uno-sim-build.ts';

export interface PinChange {
  pin: number;
  level: 0 | 1;
  /** Date.now() when the line arrived. */
  at: number;
}

export interface SimulatedUnoOptions {
  /** Path of the pty link the station opens; default a fresh temp dir's `uno`. */
  link?: string;
  /** Path of the harness binary and the firmware hex; default built and fetched (uno-sim-build.ts). */
  binary?: string;
  firmware?: string;
  /** Lines the harness writes on stderr (simavr's own messages). */
  onStderr?: (line: string) => void;
}

export class SimulatedUno {
  readonly link: string;
  private readonly ownDir: string | null;
  private readonly binary: string;
  private readonly firmware: string;
  private proc: ChildProcessWithoutNullStreams | null = null;
  private readonly levels = new Map<number, 0 | 1>();
  /** Input pins held from outside; a restarted simulator gets them again (the wiring outlives a reset). */
  private readonly inputs = new Map<number, 0 | 1>();
  private readonly pinListeners = new Set<(c: PinChange) => void>();
  private decoder = new Hd44780Decoder();
  private syncSeq = 0;
  private readonly syncWaiters = new Map<string, (simMs: number) => void>();
  /** Every output change since start, in order (tests read LED timing from it). */
  readonly changes: PinChange[] = [];
  /** Bytes the firmware wrote to the I2C expander since start. */
  i2cBytes = 0;
  /** Times the harness was started; a restart is a fresh boot (pins and screen reset). */
  boots = 0;

  constructor(private readonly opts: SimulatedUnoOptions = {}) {
    this.ownDir = opts.link ? null : mkdtempSync(join(tmpdir(), 'rikscha-uno-'));
    this.link = opts.link ?? join(this.ownDir ?? '.', 'uno');
    this.binary = opts.binary ?? buildUnoSim();
    this.firmware = opts.firmware ?? unoFirmware();
  }

  /** Starts the harness; resolves once its pty link exists (the firmware then boots for ~1.9 s). */
  async start(): Promise<void> {
    if (this.proc) return;
    this.levels.clear();
    this.decoder = new Hd44780Decoder();
    const proc = spawn(this.binary, [this.firmware, this.link], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    this.boots++;
    const ready = new Promise<void>((resolve, reject) => {
      proc.once('exit', (code) => reject(new Error(`uno-sim exited with ${code} before it was ready`)));
      proc.once('error', reject);
      createInterface({ input: proc.stdout }).on('line', (line) => {
        if (line.startsWith('ready ')) resolve();
        else this.onLine(line);
      });
    });
    createInterface({ input: proc.stderr }).on('line', (l) => this.opts.onStderr?.(l));
    proc.once('exit', () => {
      if (this.proc === proc) this.proc = null;
      for (const w of this.syncWaiters.values()) w(Number.NaN);
      this.syncWaiters.clear();
    });
    await ready;
    for (const [pin, level] of this.inputs) this.send(`in ${pin} ${level}`);
  }

  get running(): boolean {
    return this.proc !== null;
  }

  /** Last level of an output pin, undefined while it is not an output. */
  pin(n: number): 0 | 1 | undefined {
    return this.levels.get(n);
  }

  onPin(cb: (c: PinChange) => void): () => void {
    this.pinListeners.add(cb);
    return () => this.pinListeners.delete(cb);
  }

  /** The four lines as a person reads them on an A00-ROM screen (umlauts as ä ö ü, ß as its β glyph). */
  screen(): string[] {
    return this.decoder.screen(20, 4).rows.map((codes) => decodeLcdCodes(codes));
  }

  /** A button to ground on pin `n`: pressed pulls it low, released lets the pull-up hold it high. */
  press(n: number): void {
    this.inputs.set(n, 0);
    this.send(`in ${n} 0`);
  }
  release(n: number): void {
    this.inputs.set(n, 1);
    this.send(`in ${n} 1`);
  }

  /** Stops (true) or resumes reading the serial line, as a hung board would: the host's writes pile up. */
  hold(on: boolean): void {
    this.send(`hold ${on ? 1 : 0}`);
  }

  /**
   * Resolves with the simulated time, ms, once every pin change that happened in the simulator before this call
   * reached it has been reported. Pair it with a Firmata round trip to wait for what the station just wrote.
   */
  sync(): Promise<number> {
    const token = String(++this.syncSeq);
    return new Promise((resolve) => {
      if (!this.proc) return resolve(Number.NaN);
      this.syncWaiters.set(token, resolve);
      this.send(`sync ${token}`);
    });
  }

  /** Kills the simulator outright (SIGKILL), as when the board loses power; its pty goes away. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  /** Ends the simulator and removes what it made. */
  async stop(): Promise<void> {
    await this.end('SIGTERM');
    if (this.ownDir) rmSync(this.ownDir, { recursive: true, force: true });
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    if (!p) return;
    const gone = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill(signal);
    await gone;
    if (signal === 'SIGKILL') rmSync(this.link, { force: true });
  }

  private send(line: string): void {
    this.proc?.stdin.write(`${line}\n`);
  }

  private onLine(line: string): void {
    const [kind, a, b] = line.split(' ');
    if (kind === 'pin' && a !== undefined && b !== undefined) {
      const change: PinChange = { pin: Number(a), level: b === '1' ? 1 : 0, at: Date.now() };
      this.levels.set(change.pin, change.level);
      this.changes.push(change);
      for (const cb of this.pinListeners) cb(change);
    } else if (kind === 'i2c' && b !== undefined) {
      const bytes = Buffer.from(b, 'hex');
      this.i2cBytes += bytes.length;
      this.decoder.feedAll(bytes);
    } else if (kind === 'sync' && a !== undefined) {
      this.syncWaiters.get(a)?.(Number(b));
      this.syncWaiters.delete(a);
    }
  }
}
