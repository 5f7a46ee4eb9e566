// A Riden RD6018 power supply written from the public register map and the Modbus RTU spec (shared/protocols.md §4),
// sharing no code with the station's Modbus stack. It can ignore the command to switch its output off.

import type { PeerLine } from './jbd-peer.ts';

export const RD6018_ID = 60181;

function crc16(bytes: number[]): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

export class RidenPeer {
  readonly regs = new Uint16Array(128);
  /** Acknowledge "output off" (the echo the spec asks for) and keep the output on: a welded relay. */
  ignoreOff = false;
  /** Called before every read answer: a test sets the measured output from its battery. */
  beforeRead: (() => void) | null = null;
  /** Every write to the output register (18), in order: 1 on, 0 off. */
  readonly outputWrites: number[] = [];
  private buf = Buffer.alloc(0);

  constructor(
    private readonly line: PeerLine,
    readonly unit = 1,
  ) {
    this.regs[0] = RD6018_ID;
    this.regs[3] = 128;
    this.regs[14] = 6500; // input 65.00 V
    line.onData((chunk) => this.receive(chunk));
  }

  get outputOn(): boolean {
    return this.regs[18] === 1;
  }

  /** Set-points in volts and amps (RD6018: V x100, I x100). */
  get setVoltageV(): number {
    return (this.regs[8] ?? 0) / 100;
  }

  get setCurrentA(): number {
    return (this.regs[9] ?? 0) / 100;
  }

  /** Measured output, volts and amps. */
  measure(voltageV: number, currentA: number): void {
    this.regs[10] = Math.round(voltageV * 100);
    this.regs[11] = Math.round(currentA * 100);
    this.regs[13] = Math.round(voltageV * currentA * 100);
    this.regs[17] = currentA > 0 && currentA >= this.setCurrentA - 0.05 ? 1 : 0;
  }

  private receive(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 8) {
      const fc = this.buf[1] ?? 0;
      const len = fc === 0x10 ? 9 + (this.buf[6] ?? 0) : 8;
      if (this.buf.length < len) return;
      const frame = [...this.buf.subarray(0, len)];
      const crc = crc16(frame.slice(0, len - 2));
      if (frame[0] !== this.unit || (frame[len - 2] ?? 0) + ((frame[len - 1] ?? 0) << 8) !== crc) {
        this.buf = this.buf.subarray(1);
        continue;
      }
      this.buf = this.buf.subarray(len);
      void this.answer(frame);
    }
  }

  private async answer(f: number[]): Promise<void> {
    const fc = f[1] ?? 0;
    const addr = ((f[2] ?? 0) << 8) | (f[3] ?? 0);
    const word = ((f[4] ?? 0) << 8) | (f[5] ?? 0);
    if (fc === 0x03) {
      this.beforeRead?.();
      const data: number[] = [];
      for (let r = addr; r < addr + word; r++) data.push(((this.regs[r] ?? 0) >> 8) & 0xff, (this.regs[r] ?? 0) & 0xff);
      return this.send([this.unit, 0x03, data.length, ...data]);
    }
    if (fc === 0x06) {
      this.store(addr, word);
      return this.send(f.slice(0, 6));
    }
    if (fc === 0x10) {
      for (let i = 0; i < word; i++) this.store(addr + i, ((f[7 + 2 * i] ?? 0) << 8) | (f[8 + 2 * i] ?? 0));
      return this.send(f.slice(0, 6));
    }
    return this.send([this.unit, fc | 0x80, 0x01]);
  }

  private store(reg: number, value: number): void {
    if (reg === 18) {
      this.outputWrites.push(value);
      if (value === 0 && this.ignoreOff) return;
    }
    this.regs[reg] = value;
  }

  private async send(bytes: number[]): Promise<void> {
    const crc = crc16(bytes);
    await this.line.write(Buffer.from([...bytes, crc & 0xff, crc >> 8]));
  }
}
