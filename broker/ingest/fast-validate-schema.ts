// The fast validator's schema tree, compiled from a zod schema (fast-validate.ts scans payload bytes against it).
// Mirrors exactly the zod constructs our contract uses; anything else throws, so nothing is silently loosened.

import type { z } from 'zod';

/**
 * One class for every kind of node, with every field, so the scanner's property reads see a single object shape
 * (a union of differently shaped literals made its hot switch megamorphic and twice as slow).
 */
export class Node {
  t: 'obj' | 'arr' | 'num' | 'str' | 'enum' | 'bool' | 'nullable' | 'opt' | 'any' = 'any';
  /** obj: property index by name and by bytes; the properties; indexes of the required ones. */
  keys = new Map<string, number>();
  keyBytes: Buffer[] = [];
  props: Node[] = [];
  required: number[] = [];
  /** arr: element; nullable/opt: the wrapped node. */
  inner: Node | null = null;
  /** arr: item count bounds; str: length bounds; num: value bounds. */
  min = -Infinity;
  max = Infinity;
  minIncl = true;
  maxIncl = true;
  int = false;
  checked = false;
  patterns: RegExp[] = [];
  /** enum: allowed values, and the string ones as bytes. */
  values: ReadonlySet<unknown> = new Set();
  bytes: Buffer[] = [];

  constructor(t: Node['t']) {
    this.t = t;
  }
}

export class UnsupportedSchemaError extends Error {}

interface CheckDef {
  check: string;
  format?: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  pattern?: RegExp;
}
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  entries?: Record<string, unknown>;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  catchall?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Turns a zod schema into the validator's tree; throws UnsupportedSchemaError for anything it cannot mirror. */
export function compileNode(schema: z.ZodType): Node {
  const def = defOf(schema);
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  const unsupported = (what: string): never => {
    throw new UnsupportedSchemaError(`fast validator: unsupported ${what}`);
  };
  switch (def.type) {
    case 'object': {
      if (checks.length || def.catchall) unsupported('object checks or catchall');
      const n = new Node('obj');
      for (const [k, v] of Object.entries(def.shape ?? {})) {
        const prop = compileNode(v);
        n.keys.set(k, n.props.length);
        n.keyBytes.push(Buffer.from(k, 'utf8'));
        if (prop.t !== 'opt') n.required.push(n.props.length);
        n.props.push(prop);
      }
      if (n.props.length > 31) unsupported('object of more than 31 properties');
      return n;
    }
    case 'array': {
      const n = new Node('arr');
      n.inner = compileNode(def.element ?? unsupported('array without element'));
      n.min = 0;
      for (const c of checks) {
        if (c.check === 'max_length' && c.maximum !== undefined) n.max = c.maximum;
        else if (c.check === 'min_length' && c.minimum !== undefined) n.min = c.minimum;
        else unsupported(`array check ${c.check}`);
      }
      return n;
    }
    case 'number': {
      const n = new Node('num');
      n.checked = checks.length > 0;
      for (const c of checks) {
        if (c.check === 'number_format' && c.format === 'safeint') n.int = true;
        else if (c.check === 'greater_than' && c.value !== undefined)
          [n.min, n.minIncl] = [c.value, c.inclusive === true];
        else if (c.check === 'less_than' && c.value !== undefined) [n.max, n.maxIncl] = [c.value, c.inclusive === true];
        else unsupported(`number check ${c.check}`);
      }
      return n;
    }
    case 'string': {
      const n = new Node('str');
      n.min = 0;
      n.checked = checks.length > 0;
      for (const c of checks) {
        if (c.check === 'min_length' && c.minimum !== undefined) n.min = c.minimum;
        else if (c.check === 'max_length' && c.maximum !== undefined) n.max = c.maximum;
        else if (c.check === 'string_format' && c.format === 'regex' && c.pattern) n.patterns.push(c.pattern);
        else unsupported(`string check ${c.check}`);
      }
      return n;
    }
    case 'enum': {
      if (checks.length) unsupported('enum checks');
      const n = new Node('enum');
      const values = Object.values(def.entries ?? {});
      n.values = new Set(values);
      n.bytes = values.filter((v): v is string => typeof v === 'string').map((v) => Buffer.from(v, 'utf8'));
      return n;
    }
    case 'boolean':
      return checks.length ? unsupported('boolean checks') : new Node('bool');
    case 'nullable':
    case 'optional': {
      const n = new Node(def.type === 'nullable' ? 'nullable' : 'opt');
      n.inner = compileNode(def.innerType ?? unsupported(`${def.type} without inner type`));
      return n;
    }
    case 'unknown':
      return new Node('any');
    case 'record':
      // Only record(string, unknown): any JSON object.
      if (
        defOf(def.keyType ?? unsupported('record key')).type !== 'string' ||
        defOf(def.valueType ?? unsupported('record value')).type !== 'unknown'
      )
        unsupported('record type');
      return new Node('any');
    default:
      return unsupported(`type ${def.type}`);
  }
}
