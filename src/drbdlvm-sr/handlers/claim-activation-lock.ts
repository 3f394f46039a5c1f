// Taking and releasing the SR-wide activation lock in xapi (../activation-lock-entry.ts holds its format).
// Called under the per-SR host lock, which is what makes an entry of this host's own a leftover.
import { LOCK_KEY, describeHeldLock, lockValue, ownedBy, parseLockValue } from '../activation-lock-entry';
import { srError } from '../errors';
import type { Log } from '../../log/buffered-syslog';
import type { XapiPort } from '../ports';
import { hostLabel } from './common';

export interface HeldActivationLock {
  release(): Promise<void>;
}

export async function claimActivationLock(xapi: XapiPort, srRef: string, me: string, now: Date, log: Log): Promise<HeldActivationLock> {
  const held: HeldActivationLock = { release: () => xapi.removeFromSrSmConfig(srRef, LOCK_KEY) };
  // Twice at most: a holder may release between our failed add and our read.
  for (let attempt = 0; attempt < 2; attempt++) {
    if ((await xapi.addToSrSmConfig(srRef, LOCK_KEY, lockValue(me, now))) === 'added') return held;
    const current = (await xapi.srSmConfig(srRef))[LOCK_KEY];
    if (current === undefined) continue;
    if (ownedBy(current, me)) {
      log.log('warning', `taking over this host's activation lock left by a killed driver process (${current})`);
      await xapi.removeFromSrSmConfig(srRef, LOCK_KEY);
      continue;
    }
    const name = await hostLabel(xapi, parseLockValue(current).owner);
    throw srError(
      'ActivationLocked',
      describeHeldLock(current, () => name, now),
    );
  }
  throw srError(
    'ActivationLocked',
    `the SR activation lock (sm-config:${LOCK_KEY}) changed hands twice while this host tried to take it; retry`,
  );
}
