// Reads a JSON config file for any of rikscha's config kinds, turning an unreadable or malformed file into a
// ConfigError that says which, before the file's own schema names its field problems.

import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.ts';

export function readJsonConfig(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`(file): cannot read: ${(err as Error).message}`]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(file, [`(file): not valid JSON: ${(err as Error).message}`]);
  }
}
