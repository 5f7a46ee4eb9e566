// Forward-only schema migrations for a SQLite file, versioned by PRAGMA user_version: the pending steps and their
// version bumps run in one transaction, so a step that fails (or a process killed midway) leaves the old schema.

import type Database from 'better-sqlite3';

export interface Migration {
  /** The schema version this step produces; steps are numbered 1, 2, 3... without gaps. */
  version: number;
  /** What the step does, for the log and for the error when it fails. */
  what: string;
  up: (db: Database.Database) => void;
}

export type SchemaErrorCode = 'schema-newer' | 'migration-failed';

/** The database cannot be used by this program; `version` is the schema version the file is left at. */
export class SchemaError extends Error {
  constructor(
    readonly code: SchemaErrorCode,
    readonly version: number,
    message: string,
  ) {
    super(message);
    this.name = 'SchemaError';
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Latest version of a migration list; a list must count 1, 2, 3... so that no step is skipped by mistake. */
export function latestVersion(migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i}: version ${m.version}, expected ${i + 1}`);
  });
  return migrations.length;
}

/**
 * Brings `db` to the latest version in one transaction. A database newer than the list is refused
 * untouched (a downgraded program must not write with the wrong assumptions). Returns the versions it went between.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[],
  label: string,
): { from: number; to: number } {
  const latest = latestVersion(migrations);
  const from = schemaVersion(db);
  if (from > latest)
    throw new SchemaError(
      'schema-newer',
      from,
      `${label}: database schema version ${from} is newer than this program knows (up to ${latest}); ` +
        'it was written by a newer rikscha: install that version again, or move the file aside to start empty',
    );
  const pending = migrations.filter((m) => m.version > from);
  if (pending.length === 0) return { from, to: from };
  let step: Migration | undefined;
  try {
    // All pending steps in ONE transaction: a failure anywhere leaves the file at `from`, which the previous program
    // still opens (a rollback after a failed upgrade needs exactly that). IMMEDIATE takes the write lock up front.
    db.transaction(() => {
      for (step of pending) {
        step.up(db);
        db.pragma(`user_version = ${step.version}`);
      }
    }).immediate();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new SchemaError(
      'migration-failed',
      from,
      `${label}: migration to schema version ${step?.version ?? '?'} (${step?.what ?? '?'}) failed: ${why}. ` +
        `The database was left unchanged at version ${from}; free disk space, or go back to the previous rikscha`,
    );
  }
  const at = pending.at(-1)?.version ?? from;
  return { from, to: at };
}
