// Helpers for the live-migration scenarios: the guest's write journal (domu-init.sh
// lab_then=writeloop) and the "exactly one writer, single-primary" checks after each move.
import type { Host } from './lab';
import { guestResults, role, waitGuestDone, waitRole, xlCreate } from './drbd';

export interface Tick {
  tick: number;
  rc: number;
}

/** Starts guest `name` on r0 on host h: it writes the payload (checked here), then keeps re-reading it. */
export async function startWatchedGuest(h: Host, name: string, payloadSha: string): Promise<void> {
  const r = await xlCreate(h, { name, disks: ['drbd:r0,xvda,w'], action: 'write', poweroff: false, then: 'watch' });
  expect(r.code).toBe(0);
  const out = await waitGuestDone(h, name, 180_000);
  expect(guestResults(out).find((g) => g.op === 'write')?.sha256).toBe(payloadSha);
}

/** The guest's `LAB-GUEST op=tick tick=N rc=R` lines, in console order. */
export function ticks(consoleText: string): Tick[] {
  return [...consoleText.matchAll(/LAB-GUEST op=tick tick=(\d+) rc=(\d+)/g)].map((m) => ({ tick: Number(m[1]), rc: Number(m[2]) }));
}

export function lastTick(consoleText: string): number {
  return ticks(consoleText).reduce((max, t) => Math.max(max, t.tick), 0);
}

/** The console log a host's xenconsoled writes for the guest (incoming guests keep their --incoming name). */
export async function consoleOf(h: Host, name: string): Promise<string> {
  return (await h.run(`cat /var/log/xen/console/guest-${name}.log /var/log/xen/console/guest-${name}--incoming.log 2>/dev/null`)).stdout;
}

/**
 * Waits until the guest on `h` has written (and read back) a tick beyond `after` and re-read
 * its payload with the expected checksum; fails fast on any failed read-back.
 */
export async function waitWriting(h: Host, name: string, after: number, payloadSha: string, timeoutMs = 150_000): Promise<number> {
  let bad: Tick | undefined;
  const r = await h.waitFor(
    `cat /var/log/xen/console/guest-${name}.log /var/log/xen/console/guest-${name}--incoming.log 2>/dev/null`,
    (x) => {
      const t = ticks(x.stdout);
      bad = t.find((k) => k.rc !== 0);
      if (bad) return true;
      const watched = [...x.stdout.matchAll(/LAB-GUEST disk=\S+ op=watch sha256=([0-9a-f]+) rc=0 tick=(\d+)/g)];
      return t.some((k) => k.tick > after) && watched.some((w) => Number(w[2]) > after && w[1] === payloadSha);
    },
    timeoutMs,
    `guest ${name} writing past tick ${after} on host ${h.name}`,
  );
  if (bad) throw new Error(`host ${h.name}: guest ${name} read back something else than it wrote at tick ${bad.tick}`);
  return lastTick(r.stdout);
}

/** `allow-two-primaries yes` in the running configuration of either host. */
export async function twoPrimariesOn(hosts: Host[], res: string): Promise<boolean> {
  const shows = await Promise.all(hosts.map((h) => h.sh(`drbdsetup show ${res}`)));
  return shows.some((s) => /allow-two-primaries\s+yes/.test(s));
}

/** Roles once the given host is Primary and the other Secondary (or as they stand at the deadline). */
export async function rolesWith(primary: Host, secondary: Host, res: string): Promise<{ primary: string; secondary: string }> {
  let sec: string;
  try {
    sec = await waitRole(secondary, res, /^Secondary\//, 60_000);
  } catch {
    sec = await role(secondary, res);
  }
  return { primary: await role(primary, res), secondary: sec };
}

/**
 * The journal as the backing disk holds it (slot i = the i-th 4 KiB block at 8 MiB): read
 * below DRBD, so both hosts' copies can be compared after the guest is gone.
 */
export async function journalOnDisk(h: Host, res: string): Promise<{ sha256: string; lines: string[] }> {
  const dev = (await h.sh(`drbdadm sh-ll-dev ${res}`)).trim().split('\n')[0]!;
  const sha = (await h.sh(`dd if=${dev} bs=4096 skip=2048 count=256 2>/dev/null | sha256sum | cut -d' ' -f1`)).trim();
  // One line per slot, in slot order: its text up to the newline, empty for a slot never written
  // (all NULs). perl (perl-base, in every dom0): one process, and no slot lost to squeezing.
  const text = await h.sh(
    `perl -e 'open(my $f, "<", $ARGV[0]) or die "$ARGV[0]: $!"; seek($f, 2048 * 4096, 0); ` +
      `for (1 .. 256) { read($f, my $b, 4096) == 4096 or die "short read"; my ($l) = split(/[\\n\\0]/, $b); print(($l // ""), "\\n") }' ${dev}`,
  );
  return { sha256: sha, lines: text.split('\n').slice(0, -1) };
}

/**
 * Checks a journal read from disk (one line per slot, empty for a slot never written) against the
 * guest's last tick T: slot s must hold the latest tick ≡ s (mod 256) that is ≤ T (or T+1, written
 * before its console line), and be empty when there is none (ticks start at 1, so a guest that
 * wrote fewer than 256 leaves slot 0 and those above its newest tick empty). Returns the problems
 * found (empty when the journal is exactly what the guest wrote).
 */
export function journalProblems(lines: string[], lastTickSeen: number): string[] {
  const problems: string[] = [];
  if (lines.length !== 256) problems.push(`expected 256 journal slots, found ${lines.length}`);
  const top = lines.reduce((m, l) => Math.max(m, Number(/tick=(\d+)/.exec(l)?.[1] ?? 0)), 0);
  if (top !== lastTickSeen && top !== lastTickSeen + 1) problems.push(`newest tick on disk ${top}, guest's last reported ${lastTickSeen}`);
  lines.forEach((l, s) => {
    const want = top - ((((top - s) % 256) + 256) % 256);
    if (want <= 0) {
      if (l !== '') problems.push(`slot ${s}: ${JSON.stringify(l.slice(0, 40))} where no tick was written`);
      return;
    }
    const m = /^xen-drbd-lab tick=(\d+)$/.exec(l);
    if (!m) return problems.push(`slot ${s}: unexpected content ${JSON.stringify(l.slice(0, 40))}`);
    const t = Number(m[1]);
    if (t !== want) problems.push(`slot ${s}: tick ${t}, expected ${want}`);
  });
  return problems.slice(0, 10);
}
