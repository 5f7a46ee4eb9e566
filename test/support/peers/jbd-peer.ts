// A JBD/Xiaoxiang BMS written from the public spec (shared/protocols.md §1) and nothing of ours: framing, checksum
// and registers are coded here again, so the station's codec is checked against the spec, not against itself.
// It can refuse the charge-FET write (status 0x80) and garble its replies (garbage before, a bad checksum).

export interface PeerLine {
  onData(listener: (chunk: Buffer) => void): unknown;
  write(data: Uint8Array): Promise<void>;
}

export interface JbdPeerNoise {
  /** Share of replies preceded by 1..12 random bytes. */
  garbage: number;
  /** Share of replies whose checksum is wrong. */
  badChecksum: number;
  /** Uniform [0, 1), seeded by the test. */
  random: () => number;
}

export class JbdPeer {
  model = 'PEER-13S-0042';
  cellsMv: number[] = Array.from({ length: 13 }, (_, i) => 3900 + i);
  currentCa = 0; // 10 mA units, positive = charging
  remaining10mAh = 700;
  nominal10mAh = 1400;
  cycles = 12;
  protection = 0;
  rsoc = 50;
  chargeFet = true;
  dischargeFet = true;
  tempsC = [25.0, 26.0];
  /** Answer 0xE1 with status 0x80 and leave the FETs as they are. */
  rejectMosWrite = false;
  noise: JbdPeerNoise | null = null;
  /** Called before every answer to a read, so a test can couple the pack to a charger. */
  beforeRead: (() => void) | null = null;
  readonly mosWrites: number[] = [];
  readonly stats = { requests: 0, garbled: 0, badChecksums: 0 };
  private buf = Buffer.alloc(0);

  constructor(private readonly line: PeerLine) {
    line.onData((chunk) => this.receive(chunk));
  }

  static checksum(bytes: number[]): number {
    let sum = 0;
    for (const b of bytes) sum += b;
    return (0x10000 - (sum & 0xffff)) & 0xffff;
  }

  private receive(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      const start = this.buf.indexOf(0xdd);
      if (start < 0) {
        this.buf = Buffer.alloc(0);
        return;
      }
      this.buf = this.buf.subarray(start);
      if (this.buf.length < 4) return;
      const len = this.buf[3] ?? 0;
      if (this.buf.length < len + 7) return;
      const frame = [...this.buf.subarray(0, len + 7)];
      this.buf = this.buf.subarray(len + 7);
      const chk = JbdPeer.checksum(frame.slice(2, 4 + len));
      if (frame[len + 6] !== 0x77 || ((frame[len + 4] ?? 0) << 8) + (frame[len + 5] ?? 0) !== chk) continue;
      void this.answer(frame[1] ?? 0, frame[2] ?? 0, frame.slice(4, 4 + len));
    }
  }

  private async answer(op: number, reg: number, data: number[]): Promise<void> {
    this.stats.requests++;
    if (op === 0x5a && reg === 0xe1) {
      this.mosWrites.push(data[1] ?? 0);
      if (this.rejectMosWrite) return this.reply(reg, 0x80, []);
      this.chargeFet = ((data[1] ?? 0) & 1) === 0;
      this.dischargeFet = ((data[1] ?? 0) & 2) === 0;
      return this.reply(reg, 0x00, []);
    }
    if (op !== 0xa5) return this.reply(reg, 0x80, []);
    this.beforeRead?.();
    if (reg === 0x03) return this.reply(reg, 0x00, this.basicInfo());
    if (reg === 0x04)
      return this.reply(
        reg,
        0x00,
        this.cellsMv.flatMap((mv) => [mv >> 8, mv & 0xff]),
      );
    if (reg === 0x05) return this.reply(reg, 0x00, [...Buffer.from(this.model, 'latin1')]);
    return this.reply(reg, 0x80, []);
  }

  private basicInfo(): number[] {
    const u16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
    const totalCv = Math.round(this.cellsMv.reduce((a, b) => a + b, 0) / 10);
    const current = this.currentCa < 0 ? 0x10000 + this.currentCa : this.currentCa;
    const date = ((2024 - 2000) << 9) | (5 << 5) | 17;
    return [
      ...u16(totalCv),
      ...u16(current),
      ...u16(this.remaining10mAh),
      ...u16(this.nominal10mAh),
      ...u16(this.cycles),
      ...u16(date),
      ...u16(0),
      ...u16(0),
      ...u16(this.protection),
      0x22,
      this.rsoc,
      (this.chargeFet ? 1 : 0) | (this.dischargeFet ? 2 : 0),
      this.cellsMv.length,
      this.tempsC.length,
      ...this.tempsC.flatMap((c) => u16(Math.round(c * 10) + 2731)),
    ];
  }

  private async reply(reg: number, status: number, data: number[]): Promise<void> {
    const body = [status, data.length, ...data];
    let chk = JbdPeer.checksum(body);
    const n = this.noise;
    if (n && n.random() < n.badChecksum) {
      chk ^= 0x0001;
      this.stats.badChecksums++;
    }
    if (n && n.random() < n.garbage) {
      const junk = Array.from({ length: 1 + Math.floor(n.random() * 12) }, () => Math.floor(n.random() * 256));
      this.stats.garbled++;
      await this.line.write(Buffer.from(junk));
    }
    await this.line.write(Buffer.from([0xdd, reg, ...body, chk >> 8, chk & 0xff, 0x77]));
  }
}
