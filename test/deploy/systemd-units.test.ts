// The systemd units shipped in deploy/systemd are checked by systemd's own parser (`systemd-analyze verify`):
// a misspelt directive or a missing executable fails here, not on a station's first boot.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../support/socat.ts';

const UNITS = join(import.meta.dirname, '../../deploy/systemd');

function verify(file: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('systemd-analyze', ['verify', file], (err, _stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

/** The unit as installed; on a machine whose node is not /usr/bin/node, pointed at this one. */
function unitCopy(name: string, edit: (text: string) => string = (t) => t): string {
  let text = readFileSync(join(UNITS, name), 'utf8');
  if (!existsSync('/usr/bin/node')) text = text.replaceAll('/usr/bin/node', process.execPath);
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-units-'));
  const file = join(dir, name);
  writeFileSync(file, edit(text));
  return file;
}

describe('systemd units', () => {
  requireTool('systemd-analyze', 'systemd');

  it.each(['rikscha-station.service', 'rikscha-broker.service'])('%s passes systemd-analyze verify', async (name) => {
    const r = await verify(unitCopy(name));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('the check itself notices a misspelt directive', async () => {
    const r = await verify(unitCopy('rikscha-station.service', (t) => t.replace('WatchdogSec=', 'WatchdogSecs=')));
    expect(r.stderr).toContain("Unknown key 'WatchdogSecs'");
  });

  it.each([
    ['rikscha-station.service', ['SupplementaryGroups=dialout gpio i2c']],
    ['rikscha-broker.service', []],
  ])('%s is a notify service with a watchdog, restarts always, and writes only its data dir', (name, extra) => {
    const text = readFileSync(join(UNITS, name), 'utf8');
    for (const line of [
      'Type=notify',
      'NotifyAccess=all',
      'Restart=always',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/rikscha',
      ...extra,
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).toMatch(/^WatchdogSec=\d+$/m);
  });
});
