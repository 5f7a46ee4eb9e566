// A validator compiled from the contract's zod schemas that checks a JSON payload straight from its bytes, without
// building the object tree: at 20k telemetry messages/s, JSON.parse + zod cost ~60 µs and most of the GC per message.
//
// zod stays the source of truth: this is a fast *accept* path only. It says "valid" (and returns the envelope) or
// "don't know"; every payload it does not accept goes through JSON.parse + zod, which decide and explain the
// rejection. So a gap here can only cost speed, and fast-validate.test.ts checks on generated payloads that it
// never accepts what zod rejects. A schema construct it does not understand makes compile() throw, and the caller
// then uses zod alone.

import type { z } from 'zod';
import { compileNode, type Node, UnsupportedSchemaError } from './fast-validate-schema.ts';

export { UnsupportedSchemaError };

/** Top-level fields the caller wants without parsing the payload again. */
export interface Envelope {
  stationId?: unknown;
  ts?: unknown;
  seq?: unknown;
  online?: unknown;
}

const CAPTURE = new Set(['stationId', 'ts', 'seq', 'online']);

/** Thrown inside the scan to mean "not accepted here: ask zod". Never escapes `accept`. */
const NO = Symbol('no');

class Scanner {
  i = 0;
  /** The last string scanned: its bytes between the quotes, whether it had escapes, whether it was all ASCII. */
  sStart = 0;
  sEnd = 0;
  sEscaped = false;
  sAscii = true;
  constructor(readonly b: Buffer) {}

  /** Whether the last string scanned (unescaped) equals these bytes. */
  sEquals(k: Buffer): boolean {
    const len = this.sEnd - this.sStart;
    if (this.sEscaped || k.length !== len) return false;
    const b = this.b;
    for (let j = 0, o = this.sStart; j < len; j++, o++) if (b[o] !== k[j]) return false;
    return true;
  }

  /** Index of the last string scanned among `keys`, or -1; tries `hint` first (keys mostly come in schema order). */
  sIndex(keys: readonly Buffer[], hint = 0): number {
    if (this.sEscaped) return -1;
    if (hint < keys.length && this.sEquals(keys[hint] as Buffer)) return hint;
    for (let j = 0; j < keys.length; j++) if (this.sEquals(keys[j] as Buffer)) return j;
    return -1;
  }

  sValue(): string {
    const b = this.b;
    return this.sEscaped ? (JSON.parse(b.toString('utf8', this.sStart - 1, this.sEnd + 1)) as string) : b.toString('utf8', this.sStart, this.sEnd);
  }

  // The hot loops below work on a local index and store it back once: V8 keeps a local in a register, a field not.
  ws(): void {
    const b = this.b;
    let i = this.i;
    let c = b[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    this.i = i;
  }

  /** Scans a string starting at its opening quote; returns its decoded value only when `decode`. */
  str(decode: boolean): string | undefined {
    const b = this.b;
    let i = this.i;
    if (b[i] !== 0x22) throw NO;
    const start = ++i;
    let escaped = false;
    let ascii = true;
    for (;;) {
      const c = b[i];
      if (c === undefined || c < 0x20) throw NO;
      if (c === 0x22) break;
      if (c >= 0x80) ascii = false;
      else if (c === 0x5c) {
        escaped = true;
        const e = b[i + 1];
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            const h = b[i + k] ?? 0;
            if (!((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) throw NO;
          }
          i += 6;
          continue;
        }
        if (e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) throw NO;
        i += 2;
        continue;
      }
      i++;
    }
    this.sStart = start;
    this.sEnd = i;
    this.i = i + 1;
    this.sEscaped = escaped;
    this.sAscii = ascii;
    return decode ? this.sValue() : undefined;
  }

  /** Scans a JSON number; returns its value only when `value` (or when it may overflow to Infinity). */
  num(value: boolean): number | undefined {
    const b = this.b;
    const start = this.i;
    let i = start;
    if (b[i] === 0x2d) i++;
    let c = b[i];
    if (c === 0x30) c = b[++i];
    else if (c !== undefined && c >= 0x31 && c <= 0x39) while (c !== undefined && c >= 0x30 && c <= 0x39) c = b[++i];
    else throw NO;
    let plain = true;
    if (c === 0x2e) {
      c = b[++i];
      if (c === undefined || c < 0x30 || c > 0x39) throw NO;
      while (c !== undefined && c >= 0x30 && c <= 0x39) c = b[++i];
    }
    if (c === 0x65 || c === 0x45) {
      plain = false;
      c = b[++i];
      if (c === 0x2b || c === 0x2d) c = b[++i];
      if (c === undefined || c < 0x30 || c > 0x39) throw NO;
      while (c !== undefined && c >= 0x30 && c <= 0x39) c = b[++i];
    }
    this.i = i;
    if (!value && plain && this.i - start < 300) return undefined;
    if (plain && this.i - start <= 15) {
      // Up to 15 characters of a plain decimal: exact in a double, parsed by hand (no string allocated).
      let v = 0;
      let neg = false;
      let frac = 0;
      let inFrac = false;
      for (let k = start; k < this.i; k++) {
        const d = b[k] ?? 0;
        if (d === 0x2d) neg = true;
        else if (d === 0x2e) inFrac = true;
        else {
          v = v * 10 + (d - 0x30);
          if (inFrac) frac++;
        }
      }
      // Integers are exact; a fraction is divided once by a power of ten, as correctly rounded as Number() is.
      const r = frac ? v / 10 ** frac : v;
      return neg ? -r : r;
    }
    const n = Number(b.toString('latin1', start, this.i));
    if (!Number.isFinite(n)) throw NO; // 1e999: JSON.parse gives Infinity, which z.number() rejects
    return n;
  }

  lit(word: string): void {
    for (let k = 0; k < word.length; k++) if (this.b[this.i + k] !== word.charCodeAt(k)) throw NO;
    this.i += word.length;
  }

  /** Any JSON value, checked for syntax only. */
  skip(): void {
    const c = this.b[this.i];
    if (c === 0x22) this.str(false);
    else if (c === 0x7b) this.obj(null, null);
    else if (c === 0x5b) {
      this.i++;
      this.ws();
      if (this.b[this.i] === 0x5d) return void this.i++;
      for (;;) {
        this.ws();
        this.skip();
        this.ws();
        const d = this.b[this.i++];
        if (d === 0x5d) return;
        if (d !== 0x2c) throw NO;
      }
    } else if (c === 0x74) this.lit('true');
    else if (c === 0x66) this.lit('false');
    else if (c === 0x6e) this.lit('null');
    else this.num(false);
  }

  value(n: Node, capture: Envelope | null, key: string | null): void {
    const b = this.b;
    switch (n.t) {
      case 'opt':
        return this.value(n.inner as Node, capture, key);
      case 'nullable':
        if (b[this.i] === 0x6e) return this.lit('null');
        return this.value(n.inner as Node, capture, key);
      case 'any':
        return this.skip();
      case 'bool': {
        const v = b[this.i] === 0x74;
        this.lit(v ? 'true' : 'false');
        if (capture && key) capture[key as keyof Envelope] = v;
        return;
      }
      case 'num': {
        if (b[this.i] !== 0x2d && (b[this.i] ?? 0) - 0x30 > 9) throw NO;
        const v = this.num(n.checked || capture !== null);
        if (v !== undefined && n.checked) {
          if (n.int && !Number.isSafeInteger(v)) throw NO;
          if (n.minIncl ? v < n.min : v <= n.min) throw NO;
          if (n.maxIncl ? v > n.max : v >= n.max) throw NO;
        }
        if (capture && key) capture[key as keyof Envelope] = v;
        return;
      }
      case 'str': {
        this.str(false);
        if (n.checked) {
          // An unescaped ASCII string's length is its byte count: no need to decode it for a length check.
          const fastLen = !this.sEscaped && this.sAscii;
          const v = fastLen && n.patterns.length === 0 ? null : this.sValue();
          const len = v === null ? this.sEnd - this.sStart : v.length;
          if (len < n.min || len > n.max) throw NO;
          if (v !== null) {
            for (const p of n.patterns) {
              p.lastIndex = 0;
              if (!p.test(v)) throw NO;
            }
          }
        }
        if (capture && key) capture[key as keyof Envelope] = this.sValue();
        return;
      }
      case 'enum':
        this.str(false);
        if (this.sIndex(n.bytes) < 0 && !n.values.has(this.sValue())) throw NO;
        return;
      case 'arr': {
        if (b[this.i] !== 0x5b) throw NO;
        this.i++;
        this.ws();
        let count = 0;
        if (b[this.i] === 0x5d) this.i++;
        else {
          for (;;) {
            this.ws();
            this.value(n.inner as Node, null, null);
            count++;
            this.ws();
            const d = b[this.i++];
            if (d === 0x5d) break;
            if (d !== 0x2c) throw NO;
          }
        }
        if (count < n.min || count > n.max) throw NO;
        return;
      }
      case 'obj':
        return this.obj(n, capture);
    }
  }

  /** An object; with a node, each known key is checked and every required one must appear exactly once. */
  obj(n: Node | null, capture: Envelope | null): void {
    const b = this.b;
    if (b[this.i] !== 0x7b) throw NO;
    this.i++;
    this.ws();
    // Which properties appeared, as bits (compile() refuses objects of more than 31 properties).
    let seen = 0;
    let next = 0;
    if (b[this.i] === 0x7d) this.i++;
    else {
      for (;;) {
        this.ws();
        this.str(false);
        let idx = n ? this.sIndex(n.keyBytes, next) : -1;
        // An escaped key (\u0073eq) still names its property: decode it only then.
        if (n && idx < 0 && this.sEscaped) idx = n.keys.get(this.sValue()) ?? -1;
        const key = idx >= 0 && capture ? this.sValue() : null;
        this.ws();
        if (b[this.i++] !== 0x3a) throw NO;
        this.ws();
        if (n && idx >= 0) {
          // A repeated key: JSON.parse keeps the last one; leave such oddities to zod.
          if (seen & (1 << idx)) throw NO;
          seen |= 1 << idx;
          next = idx + 1;
          this.value(n.props[idx] as Node, capture && key !== null && CAPTURE.has(key) ? capture : null, key);
        } else {
          this.skip();
        }
        this.ws();
        const d = b[this.i++];
        if (d === 0x7d) break;
        if (d !== 0x2c) throw NO;
      }
    }
    if (n) for (const r of n.required) if (!(seen & (1 << r))) throw NO;
  }
}

export type FastValidator = (payload: Buffer) => Envelope | null;

/** Compiles a zod object schema; the validator returns the top-level envelope when the payload is surely valid. */
export function compileFastValidator(schema: z.ZodType): FastValidator {
  const root = compileNode(schema);
  if (root.t !== 'obj') throw new UnsupportedSchemaError('fast validator: the root must be an object');
  return (payload) => {
    const s = new Scanner(payload);
    const env: Envelope = {};
    try {
      s.ws();
      s.obj(root, env);
      s.ws();
      return s.i === payload.length ? env : null;
    } catch (err) {
      if (err === NO) return null;
      throw err;
    }
  };
}
