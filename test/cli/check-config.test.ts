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

function file(content: string, name = 'station.json', dir = mkdtempSync(join(tmpdir(), 'rikscha-cfg-'))): string {
  const f = join(dir, name);
  writeFileSync(f, content);
  return f;
}

/** A procedures file with a step line past 20 columns, an unknown condition and a repeated procedure id. */
const BAD_PROCEDURES = JSON.stringify({
  procedures: [
    {
      id: 'swap',
      title: { de: 'Akku tauschen', en: 'Swap a pack' },
      steps: [
        { text: { de: ['Den Akku vorsichtig herausnehmen.'], en: ['Take the pack out.'] } },
        { text: { de: ['Warten.'], en: ['Wait.'] }, waitFor: 'door-open' },
      ],
    },
    { id: 'swap', title: { de: 'Noch einmal', en: 'Again' }, steps: [{ text: { de: ['a'], en: ['a'] } }] },
  ],
});

describe('rikscha check-config', () => {
  it.each(['station-2-docks.json', 'station-4-docks.json', 'station-8-docks.json'])(
    'accepts the shipped example %s with exit 0',
    async (name) => {
      const r = await run(['check-config', join(import.meta.dirname, '../../station/config/examples', name)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/valid \(station [a-z-]+, \d docks\)/);
    },
  );

  it('refuses misspelt keys with a suggestion, and reports cross-field problems in the same pass', async () => {
    const f = file(
      JSON.stringify({
        stationId: 's1',
        mqtt: { url: 'mqtt://127.0.0.1:1883' },
        pollIntervallMs: 300,
        charging: { budget: { maxKW: 3 } },
        docks: [
          { dock: 1, series: 15, bms: { type: 'jbd', port: '/dev/x' }, charger: { type: 'riden' } },
          { dock: 1, bms: { type: 'jbd', port: '/dev/y' } },
        ],
      }),
    );
    const r = await run(['check-config', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pollIntervallMs: unknown key (did you mean "pollIntervalMs"?)');
    expect(r.stderr).toContain('charging.budget.maxKW: unknown key (did you mean "maxW"?)');
    expect(r.stderr).toContain('docks[0].series: Invalid option: expected one of 13|14');
    expect(r.stderr).toContain('docks[0].charger.port: required when the charger type is not none');
    expect(r.stderr).toContain('docks[1].dock: dock 1 appears twice');
    expect(r.stderr).toContain('5 problem(s)');
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

  it('refuses a procedures file with a step past the screen, an unknown condition or a repeated id', async () => {
    const r = await run(['check-config', file(BAD_PROCEDURES, 'procedures.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('procedures[0].steps[0].text.de[0]: longer than 20 characters on the 20x4 screen');
    expect(r.stderr).toMatch(/procedures\[0\]\.steps\[1\]\.waitFor: Invalid option: expected one of "dock-empty"/);
    expect(r.stderr).toContain('procedures[1].id: procedure id "swap" appears twice');
    expect(r.stderr).toContain('3 problem(s)');
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('checks the procedures file a station config names, and the same list inline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rikscha-cfg-'));
    file(BAD_PROCEDURES, 'procedures.json', dir);
    const station = {
      stationId: 's1',
      mqtt: { url: 'mqtt://127.0.0.1:1883' },
      docks: [{ dock: 1, bms: { type: 'jbd', port: '/dev/x' } }],
    };
    const named = await run([
      'check-config',
      file(JSON.stringify({ ...station, proceduresFile: 'procedures.json' }), 's.json', dir),
    ]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(
      'proceduresFile (procedures.json): procedures[0].steps[0].text.de[0]: longer than 20 characters',
    );
    const inline = { ...station, procedures: (JSON.parse(BAD_PROCEDURES) as { procedures: unknown }).procedures };
    const r = await run(['check-config', file(JSON.stringify(inline))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('procedures[1].id: procedure id "swap" appears twice');
    const fine = await run(['check-config', file(JSON.stringify(station))]);
    expect(fine.stdout).toContain('1 docks) with 4 procedures');
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
