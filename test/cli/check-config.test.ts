// `rikscha check-config` as a user runs it: exit codes, and every problem named by the path of its field.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/rikscha.js');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function file(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-cfg-'));
  const f = join(dir, 'station.json');
  writeFileSync(f, content);
  return f;
}

describe('rikscha check-config', () => {
  it('accepts the shipped example config with exit 0', async () => {
    const r = await run(['check-config', join(import.meta.dirname, '../../station/config/example-station.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid');
  });

  it('reports every problem with its field path and exits 2, without a stack trace', async () => {
    const f = file(
      JSON.stringify({
        stationId: 'Bad Id',
        mqtt: { url: 'not a url' },
        docks: [
          { dock: 1, bms: { type: 'jbd', port: '/dev/ttyUSB0' } },
          { dock: 2, bms: { type: 'jbd', port: '/dev/ttyUSB1' }, charger: { type: 'riden', unit: 'one' } },
          { dock: 1, bms: { type: 'daly', port: '/dev/ttyUSB2' } },
        ],
      }),
    );
    const r = await run(['check-config', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stationId:');
    expect(r.stderr).toContain('mqtt.url:');
    expect(r.stderr).toContain('docks[1].charger.unit:');
    expect(r.stderr).toContain('docks[2].bms.type:');
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('says so when the file is not JSON or missing', async () => {
    const bad = await run(['check-config', file('{ nope')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not valid JSON');
    const missing = await run(['check-config', '/nonexistent/station.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });

  it('prints help for the command and each subcommand', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const sub of ['demo', 'station', 'check-config']) expect(top.stdout).toContain(sub);
    const demo = await run(['demo', '--help']);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('--mqtt-port');
  });
});
