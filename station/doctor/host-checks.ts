// Checks of the machine the station runs on: serial ports, free disk, clock sync, systemd notification.
// Each returns findings in plain words with what to do; none changes anything.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Socket } from 'node:net';
import type { StationConfig } from '../config/station-config.ts';
import { fail, ok, warn, withDeadline, type CheckResult } from './check-result.ts';

/** Every device address of the config with the devices on it, in config order. */
export function portsOf(config: StationConfig): Map<string, string[]> {
  const ports = new Map<string, string[]>();
  const add = (port: string | undefined, who: string) => {
    if (!port) return;
    ports.set(port, [...(ports.get(port) ?? []), who]);
  };
  for (const d of config.docks) {
    add(d.bms.port, `dock ${d.dock} BMS`);
    if (d.charger.type !== 'none') add(d.charger.port, `dock ${d.dock} charger`);
  }
  if (config.ioBoard?.io.type === 'firmata') add(config.ioBoard.io.port, 'I/O board');
  return ports;
}

async function tcpReachable(address: string): Promise<void> {
  const url = new URL(address);
  await withDeadline(3000, `connect ${url.host}`, async () => {
    const socket = new Socket();
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(Number(url.port), url.hostname, () => resolve());
      });
    } finally {
      socket.destroy();
    }
  });
}

/** Each port exists and this user may open it (serial), or answers a TCP connect (serial-to-TCP bridge). */
export async function checkPorts(config: StationConfig): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const [port, users] of portsOf(config)) {
    const check = `port ${port}`;
    const who = users.join(', ');
    if (port.startsWith('mock:')) {
      out.push(warn(check, `${who}: a simulator port inside one process`, 'use a real device path on a station'));
      continue;
    }
    if (port.startsWith('tcp://')) {
      try {
        await tcpReachable(port);
        out.push(ok(check, `${who}: the bridge accepts connections`));
      } catch (err) {
        out.push(
          fail(check, `${who}: ${(err as Error).message}`, 'check the serial-to-TCP bridge is on and reachable'),
        );
      }
      continue;
    }
    if (!existsSync(port)) {
      out.push(
        fail(
          check,
          `${who}: the device does not exist`,
          'plug the USB adapter in; list adapters with `ls -l /dev/serial/by-id/` and put that path in the config',
        ),
      );
      continue;
    }
    try {
      accessSync(port, constants.R_OK | constants.W_OK);
      out.push(ok(check, `${who}: present and may be opened`));
    } catch {
      out.push(
        fail(check, `${who}: no permission to open it`, 'add the station user to the dialout group, then log in again'),
      );
    }
  }
  return out;
}

/** Free space where the station keeps its database. */
export function checkDisk(dataDir: string): CheckResult {
  const check = 'disk';
  try {
    // The nearest existing folder: the doctor creates nothing, and a data dir made later lands on the same disk.
    let at = resolve(dataDir);
    while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
    const s = statfsSync(at);
    const freeMb = Math.floor((s.bavail * s.bsize) / 2 ** 20);
    if (freeMb < 100)
      return fail(check, `${freeMb} MB free at ${dataDir}`, 'free space: history stops first, then the outbox fills');
    if (freeMb < 500) return warn(check, `${freeMb} MB free at ${dataDir}`, 'free some space soon');
    return ok(check, `${freeMb} MB free at ${dataDir}`);
  } catch (err) {
    return fail(
      check,
      `cannot use ${dataDir}: ${(err as Error).message}`,
      'create it and give the station user write access',
    );
  }
}

/** The clock is synchronised (timestamps and departure times depend on it). */
export function checkClock(run = spawnSync): CheckResult {
  const check = 'clock';
  const r = run('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { encoding: 'utf8', timeout: 3000 });
  const answer = typeof r.stdout === 'string' ? r.stdout.trim() : '';
  if (r.status === 0 && answer === 'yes') return ok(check, 'synchronised by NTP');
  if (r.status === 0 && answer === 'no')
    return warn(check, 'not synchronised', 'enable time sync: `sudo timedatectl set-ntp true`, and check the network');
  return warn(check, 'cannot tell (no timedatectl answer)', 'check the time by hand: `date -u`');
}

/** Under systemd, a notification reaches the service manager (the watchdog depends on it). */
export function checkSystemd(env: NodeJS.ProcessEnv = process.env, run = spawnSync): CheckResult {
  const check = 'systemd';
  if (!env.NOTIFY_SOCKET) return ok(check, 'not run by systemd (fine when run by hand)');
  const r = run('systemd-notify', ['STATUS=rikscha doctor'], { encoding: 'utf8', timeout: 3000, env });
  if (r.status === 0) return ok(check, 'notification accepted');
  return fail(
    check,
    `systemd-notify failed${r.error ? `: ${r.error.message}` : ` with exit ${r.status}`}`,
    'install systemd, and set NotifyAccess=all in the unit',
  );
}
