// A systemd notification socket for tests: a Unix datagram socket that collects what a service sends to
// NOTIFY_SOCKET. Node cannot open Unix datagram sockets, so a few lines of python3 receive them; the receiver also
// closes the barrier pipe that systemd-notify passes along, as systemd does, so systemd-notify returns at once.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './socat.ts';
import { waitFor } from './wait-for.ts';

// One JSON line per datagram: its assignments (READY=1, WATCHDOG=1, ...), in arrival order.
const RECEIVER = `
import array, json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps(["LISTENING=1"]), flush=True)
while True:
    data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
    for level, kind, body in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(body[: len(body) - len(body) % fds.itemsize])
            for fd in fds:
                os.close(fd)
    print(json.dumps([l for l in data.decode().split("\\n") if l]), flush=True)
`;

export interface NotifySocket {
  /** The path to put in NOTIFY_SOCKET. */
  path: string;
  /** Every assignment received so far, in order (a datagram may carry several). */
  received(): string[];
  count(assignment: string): number;
  close(): Promise<void>;
}

export async function openNotifySocket(): Promise<NotifySocket> {
  requireTool('python3', 'python3-minimal');
  const path = join(mkdtempSync(join(tmpdir(), 'rikscha-notify-')), 'notify');
  const proc: ChildProcess = spawn('python3', ['-c', RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const got: string[] = [];
  let partial = '';
  proc.stdout?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) got.push(...(JSON.parse(l) as string[]));
  });
  await waitFor(() => got.includes('LISTENING=1') && existsSync(path), {
    what: `the notify socket ${path}`,
    timeoutMs: 20_000,
  });
  return {
    path,
    received: () => got.filter((a) => a !== 'LISTENING=1'),
    count: (assignment) => got.filter((a) => a === assignment).length,
    async close() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await gone;
    },
  };
}
