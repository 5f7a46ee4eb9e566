// deploy/upgrade.sh without systemd as PID 1: fake start/stop/is-up commands and a fake npm install, real tarballs,
// symlinks and database files. A good version is switched to and kept; a version that does not stay up is rolled
// back, with the database put back when it had moved the schema; a failed install changes nothing.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '../../deploy/upgrade.sh');
let root: string;
let prefix: string;
let dataDir: string;
let events: string;

/** An npm-pack-shaped tarball; `start.sh` is what the fake start command runs for this version. */
function tarball(version: string, start: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-pack-'));
  mkdirSync(join(dir, 'package/bin'), { recursive: true });
  writeFileSync(join(dir, 'package/package.json'), JSON.stringify({ name: 'rikscha', version }, null, 2));
  writeFileSync(join(dir, 'package/bin/rikscha.js'), '// stub\n');
  writeFileSync(join(dir, 'package/start.sh'), `${start}\n`);
  const file = join(root, `rikscha-${version}.tgz`);
  execFileSync('tar', ['-czf', file, '-C', dir, 'package']);
  return file;
}

function upgrade(file: string, npmInstall = 'touch INSTALLED') {
  return spawnSync(
    'sh',
    [
      SCRIPT,
      '--prefix',
      prefix,
      '--data-dir',
      dataDir,
      '--settle',
      '0',
      '--npm-install',
      npmInstall,
      '--start',
      `echo start >> ${events}; sh ${prefix}/current/start.sh`,
      '--stop',
      `echo stop >> ${events}`,
      '--is-up',
      `test ! -f ${prefix}/current/CRASHED`,
      file,
    ],
    { encoding: 'utf8' },
  );
}

const current = () => readlinkSync(join(prefix, 'current'));
const schemaOf = (file: string) => readFileSync(file).readUInt32BE(60);
const log = () => (existsSync(events) ? readFileSync(events, 'utf8').trim().split('\n') : []);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rikscha-upgrade-'));
  prefix = join(root, 'opt');
  dataDir = join(root, 'data');
  events = join(root, 'events');
  mkdirSync(dataDir);
  const db = new Database(join(dataDir, 'st-1.sqlite'));
  db.exec('CREATE TABLE outbox (seq INTEGER PRIMARY KEY)');
  db.pragma('user_version = 2');
  db.close();
});

describe('deploy/upgrade.sh', () => {
  it('installs a first version and switches current to it without starting anything', () => {
    const r = upgrade(tarball('0.1.0', 'exit 0'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(current()).toBe(join(prefix, 'versions/0.1.0'));
    expect(existsSync(join(prefix, 'versions/0.1.0/INSTALLED'))).toBe(true);
    expect(r.stdout).toContain('first install');
    expect(log()).toEqual([]);
  });

  it('upgrades to a version that comes up: stop, back up the database, switch, start', () => {
    const r = upgrade(tarball('0.2.0', 'exit 0'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(current()).toBe(join(prefix, 'versions/0.2.0'));
    expect(log()).toEqual(['stop', 'start']);
    expect(schemaOf(join(prefix, 'backups/0.1.0/st-1.sqlite'))).toBe(2);
    expect(r.stdout).toContain('0.2.0 is up');
  });

  it('changes nothing when the install fails', () => {
    const r = upgrade(tarball('0.2.1', 'exit 0'), 'exit 7');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('npm install failed for 0.2.1; nothing was changed');
    expect(current()).toBe(join(prefix, 'versions/0.2.0'));
    expect(existsSync(join(prefix, 'versions/0.2.1'))).toBe(false);
    expect(existsSync(join(prefix, 'versions/.staging-0.2.1'))).toBe(false);
    expect(log()).toEqual(['stop', 'start']);
  });

  it('rolls back a version that migrates the database and then does not stay up', () => {
    const db = join(dataDir, 'st-1.sqlite');
    const before = readFileSync(db);
    // The new version's start moves the schema to 3 (header bytes 60..63) and then crashes.
    const bad = `printf '\\000\\000\\000\\003' | dd of=${db} bs=1 seek=60 conv=notrunc 2>/dev/null; touch ${prefix}/current/CRASHED`;
    const r = upgrade(tarball('0.3.0', bad));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('0.3.0 did not come up; rolled back to 0.2.0');
    expect(r.stderr).toContain('putting back st-1.sqlite (schema 3 -> 2)');
    expect(current()).toBe(join(prefix, 'versions/0.2.0'));
    expect(schemaOf(db)).toBe(2);
    expect(readFileSync(db).equals(before)).toBe(true);
    // stop, start 0.3.0, stop, start 0.2.0 again
    expect(log().slice(2)).toEqual(['stop', 'start', 'stop', 'start']);
  });

  it('refuses the version that is already current', () => {
    const r = upgrade(join(root, 'rikscha-0.2.0.tgz'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('version 0.2.0 is already the current one');
  });
});
