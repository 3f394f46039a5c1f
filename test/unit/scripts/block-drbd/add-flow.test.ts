// runAdd's bounded wait, with a clock that advances only when the flow sleeps.
import { DrbdError, type DrbdPort } from '../../../../src/drbd/drbd';
import type { ResourceName, ResourceState } from '../../../../src/drbd/types';
import { Deadline, type Clock } from '../../../../src/exec/deadline';
import { runAdd } from '../../../../src/scripts/block-drbd/add';
import { DEFAULT_POLICY } from '../../../../src/policy/policy';
import type { Ports } from '../../../../src/scripts/block-drbd/ports';
import type { StateWatch } from '../../../../src/drbd/watch';

function fakeClock(): Clock {
  let now = 0;
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

const connecting: ResourceState = {
  name: 'r0' as ResourceName,
  role: 'Secondary',
  peerRole: 'Unknown',
  link: 'Connecting',
  connectionText: 'WFConnection',
  volumes: [{ minor: 0, disk: 'Consistent', peerDisk: 'DUnknown' }],
};

/** The resource connecting until `t`, then Connected with both disks UpToDate. */
const upToDateFrom =
  (clock: Clock, t: number): (() => ResourceState) =>
  () =>
    clock.now() < t
      ? connecting
      : {
          ...connecting,
          link: 'Established',
          peerRole: 'Secondary',
          connectionText: 'Connected',
          volumes: [{ minor: 0, disk: 'UpToDate', peerDisk: 'UpToDate' }],
        };

/** How the fake DRBD takes state changes: applied (the default), or accepted with exit 0 and ignored. */
interface Quirks {
  readonly ignoresPromote?: boolean;
  readonly ignoresTwoPrimaries?: boolean;
  readonly incoming?: boolean;
  /** DRBD 9's events2 watch, when the fake has one (8.4 has none: add polls). */
  readonly watch?: () => StateWatch;
}

function ports(
  state: () => ResourceState,
  clock: Clock,
  quirks: Quirks = {},
): Ports & { calls: string[]; keys: Map<string, string>; ledger: { cleared: number } & Ports['ledger'] } {
  const calls: string[] = [];
  let promoted = false; // the read-back after promote must see it
  let twoPrimaries = false;
  const keys = new Map<string, string>([
    ['be/params', 'r0'],
    ['be/mode', 'w'],
    ['be/frontend-id', '3'],
    ['/local/domain/3/name', quirks.incoming ? 'vm1--incoming' : 'vm1'],
  ]);
  const drbd: DrbdPort = {
    resolve: async () => ({ target: { name: 'r0' as ResourceName }, devices: [{ path: '/dev/drbd0', major: 147, minor: 0, hex: '93:0' }] }),
    state: async () => (promoted ? { ...state(), role: 'Primary' } : state()),
    promote: async () => {
      calls.push('promote');
      promoted = !quirks.ignoresPromote;
      return { ok: true, argv: ['drbdadm', 'primary', 'r0'] };
    },
    demote: async () => {
      calls.push('demote');
      promoted = false;
      return { ok: true, argv: ['drbdadm', 'secondary', 'r0'] };
    },
    setTwoPrimaries: async (_name, on, peer) => {
      calls.push(`two-primaries ${on}${peer === undefined ? '' : ` with ${peer}`}`);
      if (!quirks.ignoresTwoPrimaries) twoPrimaries = on;
      return { ok: true, argv: ['drbdadm', 'net-options', `--allow-two-primaries=${on ? 'yes' : 'no'}`, 'r0'] };
    },
    twoPrimariesRunning: async () => twoPrimaries,
    config: async () => undefined,
    watch: () => quirks.watch?.(),
  };
  const ledger = {
    cleared: 0,
    read: () => undefined,
    write: () => undefined,
    clear: () => void ledger.cleared++,
  };
  return {
    calls,
    keys,
    xs: {
      read: async (p) => keys.get(p),
      write: async (p, v) => void keys.set(p, v),
      list: async () => [],
      rm: async (p) => void keys.delete(p),
      close: () => undefined,
    },
    drbd,
    ledger,
    log: { log: () => undefined },
    deadline: new Deadline(30_000, clock),
    policy: DEFAULT_POLICY,
    lock: async () => ({ release: () => calls.push('unlock') }),
    mounts: () => [],
  };
}

const req = { action: 'add' as const, backendPath: 'be', basePath: 'backend', deviceType: 'vbd' };

describe('runAdd waiting for a promotable resource', () => {
  it('gives up when the budget ends, says what it saw, and never promotes', async () => {
    const clock = fakeClock();
    const p = ports(() => connecting, clock);
    const outcome = await runAdd(req, p);
    expect(outcome).toEqual({
      ok: false,
      status: 'error',
      message:
        "r0: no UpToDate data reachable: local disk is Consistent and the peer is not connected (WFConnection); still so after 22 s. Check 'drbdadm status r0' on both hosts.",
    });
    expect(p.calls).not.toContain('promote');
    expect(clock.now()).toBeLessThanOrEqual(22_000);
    // the lock is released after every look, never held across a sleep
    expect(p.calls.every((c) => c === 'unlock')).toBe(true);
  });

  it('promotes as soon as the peer connects and the disk turns UpToDate', async () => {
    const clock = fakeClock();
    const p = ports(upToDateFrom(clock, 5_000), clock);
    expect(await runAdd(req, p)).toEqual({ ok: true });
    expect(p.calls).toContain('promote');
    expect(p.keys.get('be/physical-device')).toBe('93:0');
  });

  /** A watch that reports DRBD's events at the given times, moving the clock to each as it waits. */
  function scriptedWatch(clock: Clock, changesAt: number[], log: string[]): StateWatch {
    const pending = [...changesAt];
    return {
      next: async (ms) => {
        const at = pending[0];
        if (at !== undefined && at <= clock.now() + ms) {
          pending.shift();
          await clock.sleep(Math.max(0, at - clock.now()));
          log.push(`changed@${clock.now()}`);
          return 'changed';
        }
        await clock.sleep(ms);
        return 'quiet';
      },
      close: async () => void log.push('closed'),
    };
  }
  it('DRBD 9: one events2 watch for the whole wait; each change is looked at when it happens, and the watch is closed', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    let looks = 0;
    const state = upToDateFrom(clock, 7_250);
    let watches = 0;
    const p = ports(
      () => {
        looks++;
        return state();
      },
      clock,
      { watch: () => (watches++, scriptedWatch(clock, [0, 3_000, 7_250], log)) },
    );
    expect(await runAdd(req, p)).toEqual({ ok: true });
    expect(p.calls).toContain('promote');
    expect(watches).toBe(1);
    // The state told (0), an unrelated change (3 s), the connection (7.25 s): promoted then, not at a poll's tick.
    expect(log).toEqual(['changed@0', 'changed@3000', 'changed@7250', 'closed']);
    expect(clock.now()).toBe(7_250);
    expect(looks).toBeGreaterThanOrEqual(4); // the first look, then one after each event (the read-back looks again)
  });

  it('DRBD 9: a watch that ends (events2 exited) leaves the wait to polling, within the same budget', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const p = ports(upToDateFrom(clock, 5_000), clock, {
      watch: () => ({ next: async () => 'ended', close: async () => void log.push('closed') }),
    });
    expect(await runAdd(req, p)).toEqual({ ok: true });
    expect(clock.now()).toBeGreaterThanOrEqual(5_000);
    expect(clock.now()).toBeLessThan(5_000 + 1_000);
    expect(log).toEqual(['closed']);
  });

  it('DRBD 9: a wait that runs out closes its watch too', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const p = ports(() => connecting, clock, { watch: () => scriptedWatch(clock, [0], log) });
    expect(await runAdd(req, p)).toMatchObject({ ok: false, message: expect.stringMatching(/still so after 22 s/) });
    expect(log).toEqual(['changed@0', 'closed']);
    expect(p.calls).not.toContain('promote');
  });
});

const healthy: ResourceState = {
  ...connecting,
  link: 'Established',
  peerRole: 'Secondary',
  connectionText: 'Connected',
  volumes: [{ minor: 0, disk: 'UpToDate', peerDisk: 'UpToDate' }],
};

describe('runAdd reads every state change back', () => {
  it('fails a promotion DRBD accepted but did not apply, saying what was asked and seen, and steps back', async () => {
    const p = ports(() => healthy, fakeClock(), { ignoresPromote: true });
    expect(await runAdd(req, p)).toEqual({
      ok: false,
      status: 'error',
      message: "r0: asked for Primary ('drbdadm primary r0' exited 0), DRBD still reports Secondary",
    });
    expect(p.calls.filter((c) => c !== 'unlock')).toEqual(['promote', 'demote']);
    expect(p.ledger.cleared).toBe(1);
    expect(p.keys.get('be/physical-device')).toBeUndefined();
  });

  it('does not promote when the switch to dual-primary was accepted but is not in the running config', async () => {
    const incoming = { ...healthy, peerRole: 'Primary' as const };
    const p = ports(() => incoming, fakeClock(), { ignoresTwoPrimaries: true, incoming: true });
    expect(await runAdd(req, p)).toEqual({
      ok: false,
      status: 'error',
      message:
        "r0: cannot allow two primaries for the incoming migration: asked for allow-two-primaries yes ('drbdadm net-options --allow-two-primaries=yes r0' exited 0), DRBD still reports no",
    });
    expect(p.calls.filter((c) => c !== 'unlock')).toEqual(['two-primaries true', 'two-primaries false']);
    expect(p.ledger.cleared).toBe(1);
  });
  it('on DRBD 9 switches dual-primary on the connection to the source only, and back off on every connection', async () => {
    const incoming = { ...healthy, peerRole: 'Primary' as const, peerName: 'hosta' };
    const p = ports(() => incoming, fakeClock(), { ignoresTwoPrimaries: true, incoming: true });
    await runAdd(req, p);
    expect(p.calls.filter((c) => c !== 'unlock')).toEqual(['two-primaries true with hosta', 'two-primaries false']);
  });
});

describe('runAdd when the promote command is stopped at its time limit', () => {
  function stoppedPromote(completedAnyway: boolean) {
    const p = ports(() => healthy, fakeClock());
    const records: unknown[] = [];
    let cleared = false;
    p.drbd.promote = async () => (p.calls.push('promote'), { ok: false, error: new DrbdError('did not finish', 'timed-out') });
    // Completed anyway: Primary once the stopped promote ran, until the undo demotes it.
    p.drbd.state = async () => ({
      ...healthy,
      role: completedAnyway && p.calls.includes('promote') && !p.calls.includes('demote') ? 'Primary' : 'Secondary',
    });
    p.drbd.config = async () => ({ peers: [], twoPrimaries: false, fencing: { policy: 'resource-only', handler: '/x' } });
    return {
      p: { ...p, ledger: { read: () => undefined, write: (r: unknown) => void records.push(r), clear: () => void (cleared = true) } },
      records,
      cleared: () => cleared,
    };
  }

  it('still Secondary: keeps the record marked unfinished and names the handler', async () => {
    const { p, records, cleared } = stoppedPromote(false);
    const outcome = await runAdd(req, p);
    expect(outcome).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^r0: the promotion did not finish within \d+\.\d s: DRBD is waiting for the fence-peer handler \/x \(fencing resource-only\)/,
      ),
    });
    expect(records).toEqual([
      expect.not.objectContaining({ unfinished: true }),
      expect.objectContaining({ resource: 'r0', unfinished: true }),
    ]);
    expect(cleared()).toBe(false);
    expect(p.calls).not.toContain('demote');
    expect(p.keys.has('be/physical-device')).toBe(false);
  });

  it('completed after all: demotes it and clears the record', async () => {
    const { p, cleared } = stoppedPromote(true);
    const outcome = await runAdd(req, p);
    expect(outcome).toMatchObject({ ok: false, message: expect.stringMatching(/took longer than this run could wait .* and was undone/) });
    expect(p.calls).toContain('demote');
    expect(cleared()).toBe(true);
  });
});

describe('runAdd naming the peer', () => {
  it("reads the config once, only on a refusal, for the peer's name", async () => {
    const p = ports(() => ({ ...healthy, peerRole: 'Primary' }), fakeClock());
    let reads = 0;
    p.drbd.config = async () => (reads++, { peers: ['bravo'], twoPrimaries: false });
    expect(await runAdd(req, p)).toEqual({
      ok: false,
      status: 'error',
      message:
        "r0: peer bravo is Primary; refusing to start a second writer. Stop the domain on bravo first, or migrate it live ('xl migrate', 'virsh migrate --live').",
    });
    expect(reads).toBe(1);
  });

  it('reads no config on the way to a promotion', async () => {
    const p = ports(() => healthy, fakeClock());
    let reads = 0;
    p.drbd.config = async () => (reads++, undefined);
    expect(await runAdd(req, p)).toEqual({ ok: true });
    expect(reads).toBe(0);
  });
});
