import {
  LOCK_KEY,
  describeHeldLock,
  lockValue,
  ownedBy,
  parseLockValue,
  staleOwnLock,
} from '../../../src/drbdlvm-sr/activation-lock-entry';

const A = 'OpaqueRef:host-a';
const B = 'OpaqueRef:host-b';
const T0 = new Date('2026-11-22T02:00:00.000Z');

describe('the SR activation lock', () => {
  it('carries its owner and the time, and reads back', () => {
    expect(lockValue(A, T0)).toBe('OpaqueRef:host-a@2026-11-22T02:00:00.000Z');
    expect(parseLockValue(lockValue(A, T0))).toEqual({ owner: A, since: '2026-11-22T02:00:00.000Z' });
    expect(parseLockValue('True')).toEqual({ owner: 'True' });
  });

  it('is cleared by sr_attach only on its owner', () => {
    expect(staleOwnLock({ [LOCK_KEY]: lockValue(A, T0) }, A)).toBe(true);
    expect(staleOwnLock({ [LOCK_KEY]: lockValue(A, T0) }, B)).toBe(false);
    expect(staleOwnLock({}, A)).toBe(false);
  });

  it('tells the admin who holds it, for how long, and how it is cleared', () => {
    const later = new Date(T0.getTime() + 95_000);
    expect(describeHeldLock(lockValue(A, T0), (r) => (r === A ? 'xcp-a' : r), later)).toBe(
      `the SR activation lock (sm-config:${LOCK_KEY}) is held by host xcp-a for 95 s; retry when it finishes; if that host crashed, plugging its PBD again (host boot or 'xe pbd-plug') clears its lock`,
    );
    expect(describeHeldLock('True', (r) => r, T0)).toMatch(/held by host True; retry/);
  });

  it("knows its owner, so this host's killed activation can be taken over", () => {
    expect(ownedBy(lockValue(A, T0), A)).toBe(true);
    expect(ownedBy(lockValue(A, T0), B)).toBe(false);
  });
});
