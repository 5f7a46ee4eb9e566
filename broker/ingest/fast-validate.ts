// A validator compiled from the contract's zod schemas that checks a JSON payload straight from its bytes, without
// building the object tree: at 20k telemetry messages/s, JSON.parse + zod cost ~60 µs and most of the GC per message.
//
// zod stays the source of truth: this is a fast *accept* path only. It says "valid" (and returns the envelope) or
// "don't know"; every payload it does not accept goes through JSON.parse + zod, which decide and explain the
// rejection. So a gap here can only cost speed, and fast-validate.test.ts checks on generated payloads that it
// never accepts what zod rejects. A schema construct it does not understand makes compile() throw, and the caller
// then uses zod alone.
//
// Shape of the scan, chosen by measurement (bench/ingest.bench.ts): every step is a function of (bytes, index) that
// returns the index after the value, or -1 for "don't know". No scanner object, no exceptions: plain integer
// returns keep the index in a register, and this ran 3-4x faster than a cursor object with a thrown sentinel.
// Leaf properties (numbers, strings, booleans, arrays of numbers) are scanned inline in their object's loop by a
// small integer kind, so the hot calls are direct calls V8 can inline rather than calls through closures.

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

const CAPTURE: ReadonlySet<string> = new Set(['stationId', 'ts', 'seq', 'online']);

/** "Not accepted here: ask zod." */
const NO = -1;

/** Exact powers of ten: a decimal of at most 15 digits divided once by one of these is what Number() gives. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** The value of the last number `readNumber` scanned (a module slot, so no object is made per number). */
let numValue = 0;
/** Of the last string `scanString` scanned: whether it had escapes or non-ASCII bytes (then its length needs decoding). */
let strPlain = true;

type Step = (b: Buffer, i: number) => number;

/**
 * Index after any JSON whitespace at i. Callers test `b[i] <= SPACE` first: JSON.stringify writes no whitespace,
 * and skipping the call where there is none made the whole scan ~40% faster (a call per token adds up).
 */
const SPACE = 0x20;
function ws(b: Buffer, i: number): number {
  let x = b[i];
  while (x === 0x20 || x === 0x0a || x === 0x0d || x === 0x09) x = b[++i];
  return i;
}

const isHex = (h: number | undefined): boolean =>
  h !== undefined && ((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66));

/** A string at its opening quote, escapes checked; returns the index after its closing quote. */
function scanString(b: Buffer, i: number): number {
  if (b[i] !== 0x22) return NO;
  const n = b.length;
  let plain = true;
  i++;
  while (i < n) {
    const x = b[i] as number;
    if (x === 0x22) {
      strPlain = plain;
      return i + 1;
    }
    if (x < 0x20) return NO;
    if (x === 0x5c) {
      plain = false;
      const e = b[i + 1];
      if (e === 0x75) {
        if (!isHex(b[i + 2]) || !isHex(b[i + 3]) || !isHex(b[i + 4]) || !isHex(b[i + 5])) return NO;
        i += 6;
        continue;
      }
      if (e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74)
        return NO;
      i += 2;
      continue;
    }
    if (x >= 0x80) plain = false;
    i++;
  }
  return NO;
}

/** The decoded text of the string whose quotes are at `start` and `end - 1`. */
function stringValue(b: Buffer, start: number, end: number): string {
  return strPlain ? b.toString('latin1', start + 1, end - 1) : (JSON.parse(b.toString('utf8', start, end)) as string);
}

/** Digits from i: the index after them. */
function digits(b: Buffer, i: number): number {
  let x = b[i];
  while (x !== undefined && x >= 0x30 && x <= 0x39) x = b[++i];
  return i;
}

/**
 * A JSON number, syntax only. Overflow to Infinity (which z.number() rejects) is never accepted: under 300
 * characters a plain decimal cannot overflow, anything with an exponent is valued.
 */
function skipNumber(b: Buffer, i: number): number {
  const start = i;
  if (b[i] === 0x2d) i++;
  const first = b[i];
  if (first === 0x30) i++;
  else if (first !== undefined && first >= 0x31 && first <= 0x39) i = digits(b, i + 1);
  else return NO;
  if (b[i] === 0x2e) {
    const f = digits(b, i + 1);
    if (f === i + 1) return NO;
    i = f;
  }
  const e = b[i];
  if (e === 0x65 || e === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    const x = digits(b, i);
    if (x === i) return NO;
    return Number.isFinite(Number(b.toString('latin1', start, x))) ? x : NO;
  }
  return i - start < 300 ? i : Number.isFinite(Number(b.toString('latin1', start, i))) ? i : NO;
}

/** A JSON number with its value left in `numValue` (computed by hand for plain decimals of up to 15 digits). */
function readNumber(b: Buffer, i: number): number {
  const start = i;
  const end = skipNumber(b, i);
  if (end < 0) return NO;
  let neg = false;
  if (b[i] === 0x2d) {
    neg = true;
    i++;
  }
  let v = 0;
  let count = 0;
  let frac = -1;
  for (; i < end; i++) {
    const x = b[i] as number;
    if (x === 0x2e) frac = 0;
    else if (x >= 0x30 && x <= 0x39) {
      v = v * 10 + (x - 0x30);
      count++;
      if (frac >= 0) frac++;
    } else break; // an exponent: valued below
  }
  if (i === end && count <= 15) {
    // v < 10^15 is exact, and so is the power of ten: one division is correctly rounded, as Number() is.
    const r = frac > 0 ? v / (POW10[frac] as number) : v;
    numValue = neg ? -r : r;
  } else {
    numValue = Number(b.toString('latin1', start, end));
  }
  return end;
}

function literal(b: Buffer, i: number, word: Uint8Array): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return NO;
  return i + word.length;
}
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

function bool(b: Buffer, i: number): number {
  return b[i] === 0x74 ? literal(b, i, TRUE) : literal(b, i, FALSE);
}

/** Any JSON value, checked for syntax only. */
function skip(b: Buffer, i: number): number {
  const x = b[i];
  if (x === 0x22) return scanString(b, i);
  if (x === 0x7b) return skipObject(b, i);
  if (x === 0x5b) {
    if ((b[++i] as number) <= SPACE) i = ws(b, i);
    if (b[i] === 0x5d) return i + 1;
    for (;;) {
      i = skip(b, i);
      if (i < 0) return NO;
      if ((b[i] as number) <= SPACE) i = ws(b, i);
      const d = b[i++];
      if (d === 0x5d) return i;
      if (d !== 0x2c) return NO;
      if ((b[i] as number) <= SPACE) i = ws(b, i);
    }
  }
  if (x === 0x74) return literal(b, i, TRUE);
  if (x === 0x66) return literal(b, i, FALSE);
  if (x === 0x6e) return literal(b, i, NULL);
  return skipNumber(b, i);
}

function skipObject(b: Buffer, i: number): number {
  if ((b[++i] as number) <= SPACE) i = ws(b, i);
  if (b[i] === 0x7d) return i + 1;
  for (;;) {
    i = scanString(b, i);
    if (i < 0) return NO;
    if ((b[i] as number) <= SPACE) i = ws(b, i);
    if (b[i] !== 0x3a) return NO;
    i = skip(b, ws(b, i + 1));
    if (i < 0) return NO;
    if ((b[i] as number) <= SPACE) i = ws(b, i);
    const d = b[i++];
    if (d === 0x7d) return i;
    if (d !== 0x2c) return NO;
    if ((b[i] as number) <= SPACE) i = ws(b, i);
  }
}

/** The checks of a number node, as plain fields (one object shape for all). */
interface NumCheck {
  min: number;
  max: number;
  minIncl: boolean;
  maxIncl: boolean;
  int: boolean;
}

function numberOk(v: number, c: NumCheck): boolean {
  if (c.int && !Number.isSafeInteger(v)) return false;
  if (c.minIncl ? v < c.min : v <= c.min) return false;
  return c.maxIncl ? v <= c.max : v < c.max;
}

function checkedNumber(b: Buffer, i: number, c: NumCheck): number {
  const end = readNumber(b, i);
  return end >= 0 && numberOk(numValue, c) ? end : NO;
}

const numCheck = (n: Node): NumCheck => ({
  min: n.min,
  max: n.max,
  minIncl: n.minIncl,
  maxIncl: n.maxIncl,
  int: n.int,
});

function checkedString(n: Node): Step {
  const { min, max, patterns } = n;
  return (b, i) => {
    const end = scanString(b, i);
    if (end < 0) return NO;
    // An unescaped ASCII string's length is its byte count: no need to decode it for a length check.
    if (strPlain && patterns.length === 0) {
      const len = end - i - 2;
      return len < min || len > max ? NO : end;
    }
    const v = stringValue(b, i, end);
    if (v.length < min || v.length > max) return NO;
    for (const p of patterns) {
      p.lastIndex = 0;
      if (!p.test(v)) return NO;
    }
    return end;
  };
}

function enumStep(n: Node): Step {
  const { bytes, values } = n;
  return (b, i) => {
    const end = scanString(b, i);
    if (end < 0) return NO;
    if (strPlain) {
      const len = end - i - 2;
      for (const v of bytes) if (v.length === len && matches(b, i + 1, v)) return end;
      return NO;
    }
    return values.has(stringValue(b, i, end)) ? end : NO;
  };
}

/** Leaf kinds an object's loop scans inline; everything else goes through the property's step. */
const enum Kind {
  Step,
  Number,
  String,
  Bool,
  Numbers,
  CheckedNumber,
}

function arrayStep(n: Node): Step {
  const inner = n.inner as Node;
  const { min, max } = n;
  if (inner.t === 'num' && !inner.checked) return (b, i) => numbers(b, i, min, max);
  const step = compileStep(inner);
  return (b, i) => {
    if (b[i] !== 0x5b) return NO;
    if ((b[++i] as number) <= SPACE) i = ws(b, i);
    let count = 0;
    if (b[i] === 0x5d) i++;
    else {
      for (;;) {
        i = step(b, i);
        if (i < 0) return NO;
        count++;
        if ((b[i] as number) <= SPACE) i = ws(b, i);
        const d = b[i++];
        if (d === 0x5d) break;
        if (d !== 0x2c) return NO;
        if ((b[i] as number) <= SPACE) i = ws(b, i);
      }
    }
    return count < min || count > max ? NO : i;
  };
}

/** Root values captured for the envelope: property index, value, per captured property. */
const caps: unknown[] = [];

/** The value just scanned between start and end, as JSON.parse gives it, without parsing when it is at hand. */
function capturedValue(b: Buffer, start: number, end: number, kind: Kind): unknown {
  const x = b[start];
  if (x === 0x22) return stringValue(b, start, end); // the last string scanned: strPlain is its own
  if (x === 0x74) return true;
  if (x === 0x66) return false;
  if (x === 0x6e) return null;
  if (x === 0x2d || (x !== undefined && x >= 0x30 && x <= 0x39))
    return kind === Kind.CheckedNumber ? numValue : Number(b.toString('latin1', start, end));
  return JSON.parse(b.toString('utf8', start, end)) as unknown;
}

/** An object: each known key checked, every required one present exactly once, unknown keys skipped (zod strips them). */
function objectStep(n: Node, root: boolean): Step {
  const names = [...n.keys.keys()];
  const keys = n.keyBytes;
  const count = keys.length;
  const captured = names.map((name) => root && CAPTURE.has(name));
  const kinds = n.props.map((p): Kind => {
    const leaf = p.t === 'opt' ? (p.inner as Node) : p;
    if (leaf.t === 'num') return leaf.checked ? Kind.CheckedNumber : Kind.Number;
    if (leaf.t === 'str' && !leaf.checked) return Kind.String;
    if (leaf.t === 'bool') return Kind.Bool;
    if (leaf.t === 'arr' && leaf.inner?.t === 'num' && !leaf.inner.checked) return Kind.Numbers;
    return Kind.Step;
  });
  const steps = n.props.map((p) => compileStep(p));
  const checks = n.props.map((p) => numCheck(p.t === 'opt' ? (p.inner as Node) : p));
  // Item count bounds of the Numbers properties.
  const mins = n.props.map((p) => (p.t === 'opt' ? (p.inner as Node) : p).min);
  const maxs = n.props.map((p) => (p.t === 'opt' ? (p.inner as Node) : p).max);
  let requiredMask = 0;
  for (const r of n.required) requiredMask |= 1 << r;
  const byName = n.keys;
  return (b, i) => {
    if (b[i] !== 0x7b) return NO;
    if ((b[++i] as number) <= SPACE) i = ws(b, i);
    // Which properties appeared, as bits (compile() refuses objects of more than 31 properties).
    let seen = 0;
    let next = 0;
    if (b[i] === 0x7d) i++;
    else {
      for (;;) {
        if (b[i] !== 0x22) return NO;
        let idx = -1;
        // The expected next key (JSON.stringify keeps schema order), compared in place: its bytes, then the quote.
        const expect = next < count ? (keys[next] as Buffer) : null;
        if (expect !== null && b[i + 1 + expect.length] === 0x22 && matches(b, i + 1, expect)) {
          idx = next;
          i += expect.length + 2;
        } else {
          const end = scanString(b, i);
          if (end < 0) return NO;
          if (!strPlain)
            idx = byName.get(stringValue(b, i, end)) ?? -1; // \u0073eq still names "seq"
          else
            for (let k = 0; k < count && idx < 0; k++)
              if ((keys[k] as Buffer).length === end - i - 2 && matches(b, i + 1, keys[k] as Buffer)) idx = k;
          i = end;
        }
        if ((b[i] as number) <= SPACE) i = ws(b, i);
        if (b[i] !== 0x3a) return NO;
        if ((b[++i] as number) <= SPACE) i = ws(b, i);
        const start = i;
        if (idx >= 0) {
          // A repeated key: JSON.parse keeps the last one; leave such oddities to zod.
          if (seen & (1 << idx)) return NO;
          seen |= 1 << idx;
          next = idx + 1;
          switch (kinds[idx]) {
            case Kind.Number:
              i = skipNumber(b, i);
              break;
            case Kind.String:
              i = scanString(b, i);
              break;
            case Kind.Bool:
              i = bool(b, i);
              break;
            case Kind.CheckedNumber:
              i = checkedNumber(b, i, checks[idx] as NumCheck);
              break;
            case Kind.Numbers:
              i = numbers(b, i, mins[idx] as number, maxs[idx] as number);
              break;
            default:
              i = (steps[idx] as Step)(b, i);
          }
          if (i < 0) return NO;
          if (captured[idx]) caps.push(idx, capturedValue(b, start, i, kinds[idx] as Kind));
        } else {
          i = skip(b, i);
          if (i < 0) return NO;
        }
        if ((b[i] as number) <= SPACE) i = ws(b, i);
        const d = b[i++];
        if (d === 0x7d) break;
        if (d !== 0x2c) return NO;
        if ((b[i] as number) <= SPACE) i = ws(b, i);
      }
    }
    return (seen & requiredMask) === requiredMask ? i : NO;
  };
}

/** An array of unchecked numbers (cell voltages, temperatures): the hottest loop of telemetry. */
function numbers(b: Buffer, i: number, min: number, max: number): number {
  if (b[i] !== 0x5b) return NO;
  if ((b[++i] as number) <= SPACE) i = ws(b, i);
  let count = 0;
  if (b[i] === 0x5d) i++;
  else {
    for (;;) {
      i = skipNumber(b, i);
      if (i < 0) return NO;
      count++;
      if ((b[i] as number) <= SPACE) i = ws(b, i);
      const d = b[i++];
      if (d === 0x5d) break;
      if (d !== 0x2c) return NO;
      if ((b[i] as number) <= SPACE) i = ws(b, i);
    }
  }
  return count < min || count > max ? NO : i;
}

function matches(b: Buffer, at: number, k: Uint8Array): boolean {
  for (let j = 0; j < k.length; j++) if (b[at + j] !== k[j]) return false;
  return true;
}

function compileStep(n: Node): Step {
  switch (n.t) {
    case 'opt':
      return compileStep(n.inner as Node);
    case 'nullable': {
      const inner = compileStep(n.inner as Node);
      return (b, i) => (b[i] === 0x6e ? literal(b, i, NULL) : inner(b, i));
    }
    case 'any':
      return skip;
    case 'bool':
      return bool;
    case 'num':
      if (!n.checked) return skipNumber;
      return (
        (c: NumCheck): Step =>
        (b, i) =>
          checkedNumber(b, i, c)
      )(numCheck(n));
    case 'str':
      return n.checked ? checkedString(n) : scanString;
    case 'enum':
      return enumStep(n);
    case 'arr':
      return arrayStep(n);
    case 'obj':
      return objectStep(n, false);
  }
}

export type FastValidator = (payload: Buffer) => Envelope | null;

/** Compiles a zod object schema; the validator returns the top-level envelope when the payload is surely valid. */
export function compileFastValidator(schema: z.ZodType): FastValidator {
  const root = compileNode(schema);
  if (root.t !== 'obj') throw new UnsupportedSchemaError('fast validator: the root must be an object');
  const step = objectStep(root, true);
  const names = [...root.keys.keys()];
  return (payload) => {
    caps.length = 0;
    let end: number;
    try {
      end = step(payload, ws(payload, 0));
    } catch (err) {
      // A stack overflow on absurdly deep nesting in a free-form field: zod decides.
      if (err instanceof RangeError) return null;
      throw err;
    }
    if (end < 0 || ws(payload, end) !== payload.length) return null;
    const env: Envelope = {};
    for (let k = 0; k < caps.length; k += 2) env[names[caps[k] as number] as keyof Envelope] = caps[k + 1];
    return env;
  };
}
