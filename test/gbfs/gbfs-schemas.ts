// The official GBFS v3.0 JSON schemas (vendored in schemas/), compiled with ajv + ajv-formats: validate(name, json)
// answers the list of what does not match, empty when the file is valid.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export const SCHEMA_FILES = [
  'gbfs',
  'system_information',
  'vehicle_types',
  'station_information',
  'station_status',
  'vehicle_status',
] as const;
export type SchemaFile = (typeof SCHEMA_FILES)[number];

// ajv-formats is CommonJS: its default export arrives as the module object under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

let compiled: Map<SchemaFile, ValidateFunction> | null = null;

function validators(): Map<SchemaFile, ValidateFunction> {
  if (compiled) return compiled;
  // strict mode off for one reason: the schemas carry ajv-errors' `errorMessage` texts, a keyword ajv itself lacks.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  compiled = new Map();
  for (const name of SCHEMA_FILES) {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'schemas', `${name}.json`), 'utf8')) as Record<
      string,
      unknown
    >;
    // The files name draft-07 without the trailing '#', which ajv does not know by that id; draft-07 is its default.
    delete schema.$schema;
    compiled.set(name, ajv.compile(schema));
  }
  return compiled;
}

/** What in `json` does not match the schema of `name` (empty: valid). */
export function schemaProblems(name: SchemaFile, json: unknown): string[] {
  const v = validators().get(name);
  if (!v) throw new Error(`no schema ${name}`);
  if (v(json)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
