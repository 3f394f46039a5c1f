// The qemu processes of a lab: their command line (pure), starting one with a watchdog, and
// killing every one we started on any way out of the runner.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { HostKind, ReplNet } from './hosts';

/**
 * qemu's CPU model for every host; LAB_QEMU_CPU overrides it (for experiments).
 * No AVX and no XSAVE: with them (`max`), Node in dom0 computed wrong SHA-256 sums in every run
 * while a guest was running (Xen's XSAVE/XRSTOR of AVX state between vCPUs under qemu 7.2's
 * TCG), and crashed now and then; none without them (test/lab/cpu-check.ts, README "CPU model").
 */
export const LAB_CPU = 'max,-smap,-xsave,-avx,-avx2,-fma,-f16c,-vaes,-vpclmulqdq';
export function qemuCpu(): string {
  return process.env.LAB_QEMU_CPU || LAB_CPU;
}

/** What one host's qemu needs to know; everything else is fixed for the lab. */
export interface QemuSpec {
  readonly name: string;
  /** Xen 4.17 with the kernel as dom0, or the kernel booted directly (a plain Linux host). */
  readonly kind: HostKind;
  readonly xen: string;
  readonly vmlinuz: string;
  readonly initrd: string;
  readonly serialPath: string;
  readonly vcpus: number;
  readonly memMiB: number;
  readonly dom0MemMiB: number;
  readonly replMac: string;
  readonly ctlMac: string;
  /** qemu's NIC model for both NICs. */
  readonly nic: string;
  /** The replication network every host of the lab joins (hosts.ts). */
  readonly repl: ReplNet;
  readonly agentPort: number;
  /** The runner's 127.0.0.1 port dom0 reaches at 10.0.2.100:80 (the XenAPI simulator). */
  readonly xapiPort?: number;
}

/** qemu's argv for one host: Xen (multiboot) + dom0's kernel and initramfs, or the kernel alone; two NICs. */
export function qemuArgs(s: QemuSpec): string[] {
  if (!Number.isInteger(s.vcpus) || s.vcpus < 1) throw new Error(`dom0Vcpus for host ${s.name}: ${s.vcpus} is not a positive integer`);
  const mem = `${s.dom0MemMiB}M`;
  const boot =
    s.kind === 'xen'
      ? [
          '-kernel',
          s.xen,
          '-append',
          `console=com1 com1=115200,8n1 dom0_mem=${mem},max:${mem} dom0_max_vcpus=${s.vcpus} noreboot`,
          '-initrd',
          `${s.vmlinuz} console=hvc0 earlyprintk=xen,${s.initrd}`,
        ]
      : ['-kernel', s.vmlinuz, '-append', 'console=ttyS0,115200', '-initrd', s.initrd];
  return [
    '-name',
    `xen-drbd-lab-${s.name}`,
    '-accel',
    'tcg',
    '-cpu',
    qemuCpu(),
    '-smp',
    String(s.vcpus),
    '-m',
    String(s.memMiB),
    '-nodefaults',
    '-display',
    'none',
    '-no-reboot',
    ...boot,
    '-serial',
    `file:${s.serialPath}`,
    '-netdev',
    `socket,id=repl,mcast=${s.repl.group}:${s.repl.port},localaddr=127.0.0.1`,
    '-device',
    `${s.nic},netdev=repl,mac=${s.replMac}`,
    '-netdev',
    `user,id=ctl,restrict=on,hostfwd=tcp:127.0.0.1:${s.agentPort}-:7000${s.xapiPort === undefined ? '' : `,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:${s.xapiPort}`}`,
    '-device',
    `${s.nic},netdev=ctl,mac=${s.ctlMac}`,
  ];
}

/** Picks a free TCP port on 127.0.0.1 (the kernel chooses; released before qemu binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

// ---- process bookkeeping: every qemu PID we started, killed on any way out -------------------
const livePids = new Set<number>();
let handlersInstalled = false;
function killAllSync(): void {
  for (const pid of livePids) killPid(pid);
  livePids.clear();
}
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      killAllSync();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

export function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

/** Whether a process runs (a zombie does not count: qemu that died but was not reaped yet). */
export function pidAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export interface QemuProcess {
  readonly pid: number;
  /** Called once when qemu exits, with a line saying how. */
  onExit(f: (info: string) => void): void;
}

/**
 * Starts qemu with its output in `logFile`, and a shell watchdog that kills it when `ownerPid`
 * (the process that keeps the lab: this runner, or the jest process sharing one lab between
 * scenario files) dies or `ceilingS` pass. The child is unref'd: its lifetime is the lab's, not
 * the event loop's.
 */
export function startQemu(args: string[], logFile: string, ownerPid: number, ceilingS: number): QemuProcess {
  installHandlers();
  const fd = fs.openSync(logFile, 'a');
  const proc = spawn('qemu-system-x86_64', args, { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const pid = proc.pid ?? 0;
  if (pid) livePids.add(pid);
  proc.unref();
  const wd = spawn(
    '/bin/sh',
    [
      '-c',
      `end=$(( $(date +%s) + ${ceilingS} )); ` +
        `while kill -0 ${ownerPid} 2>/dev/null && kill -0 ${pid} 2>/dev/null && [ $(date +%s) -lt $end ]; do sleep 2; done; ` +
        `kill -9 ${pid} 2>/dev/null; exit 0`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  wd.unref();
  return {
    pid,
    onExit(f) {
      proc.on('exit', (code, sig) => {
        livePids.delete(pid);
        f(`qemu exited code=${code} signal=${sig}`);
      });
    },
  };
}

/** Stops tracking a qemu this process did not start or no longer owns (a shared lab handed on). */
export function forgetPid(pid: number): void {
  livePids.delete(pid);
}
