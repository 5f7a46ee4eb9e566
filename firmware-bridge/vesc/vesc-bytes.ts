// Big-endian readers and writers with the VESC firmware's fixed-point scaling (bldc util/buffer.c):
// a "float16"/"float32" on the wire is an int16/int32 of `(int)(value × scale)`.

/** Callers check `remaining` before reading; reads past the end are a decoder bug, so they return 0, never throw. */
export class ByteReader {
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    public offset = 0,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  u8(): number {
    return this.take(1) ? this.view.getUint8(this.offset - 1) : 0;
  }

  i16(): number {
    return this.take(2) ? this.view.getInt16(this.offset - 2) : 0;
  }

  i32(): number {
    return this.take(4) ? this.view.getInt32(this.offset - 4) : 0;
  }

  u32(): number {
    return this.take(4) ? this.view.getUint32(this.offset - 4) : 0;
  }

  /** Division, not multiplication by 1/scale: 352 / 10 is exactly the double nearest 35.2, 352 * 0.1 is not. */
  f16(scale: number): number {
    return this.i16() / scale;
  }

  f32(scale: number): number {
    return this.i32() / scale;
  }

  bytes(n: number): Buffer {
    const len = Math.max(0, Math.min(n, this.remaining));
    const out = Buffer.from(this.buf.subarray(this.offset, this.offset + len));
    this.offset += len;
    return out;
  }

  /** A NUL-terminated string; without a NUL it takes the rest (lenient with truncated replies). */
  cString(): string {
    let end = this.offset;
    while (end < this.buf.length && this.buf[end] !== 0) end++;
    const s = Buffer.from(this.buf.subarray(this.offset, end)).toString('latin1');
    this.offset = Math.min(this.buf.length, end + 1);
    return s;
  }

  private take(n: number): boolean {
    if (this.remaining < n) {
      this.offset = this.buf.length;
      return false;
    }
    this.offset += n;
    return true;
  }
}

export class ByteWriter {
  private readonly out: number[] = [];

  get length(): number {
    return this.out.length;
  }

  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }

  i16(v: number): this {
    return this.u8(v >> 8).u8(v);
  }

  i32(v: number): this {
    return this.u8(v >> 24)
      .u8(v >> 16)
      .u8(v >> 8)
      .u8(v);
  }

  u32(v: number): this {
    return this.i32(v >>> 0);
  }

  f16(value: number, scale: number): this {
    return this.i16(toFixedPoint(value, scale, -0x8000, 0x7fff));
  }

  f32(value: number, scale: number): this {
    return this.i32(toFixedPoint(value, scale, -0x80000000, 0x7fffffff));
  }

  bytes(b: Uint8Array): this {
    for (const x of b) this.out.push(x);
    return this;
  }

  cString(s: string): this {
    return this.bytes(Buffer.from(s, 'latin1')).u8(0);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.out);
  }
}

/**
 * `(int)(value × scale)` as the firmware computes it: C truncates toward zero, and the Cortex-M4 conversion
 * saturates out-of-range values and turns NaN into 0. One difference on purpose: a product within 1e-9 (relative)
 * of an integer is taken as that integer, so that a decimal such as 12.34 A encodes as 1234 and not 1233
 * (12.34 × 100 = 1233.9999999999998 in doubles; the firmware's float32 12.34 happens to sit just above).
 */
function toFixedPoint(value: number, scale: number, min: number, max: number): number {
  const x = value * scale;
  if (Number.isNaN(x)) return 0;
  if (!Number.isFinite(x)) return x > 0 ? max : min;
  const r = Math.round(x);
  const n = Math.abs(x - r) <= 1e-9 * Math.max(1, Math.abs(x)) ? r : Math.trunc(x);
  return Math.min(max, Math.max(min, n));
}
