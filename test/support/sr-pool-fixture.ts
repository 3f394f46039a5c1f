// Jest glue for the drbdlvm contract tests: a fresh simulated pool per test (test/support/sr-pool.ts)
// and the two steps most tests start from. `pool` is a live binding, reassigned before each test.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SrPool, outcome, outcomes, type Vdi } from './sr-pool';
import { srCreate, vdiCreate } from './sr-sequencer';

export const MiB = 1024n ** 2n;

export let pool: SrPool;

export function usePool(): void {
  // Each driver call starts node and its stand-ins (some 10 processes for an activation): whole
  // sequences take seconds. A bound on hangs, not a timing assertion.
  jest.setTimeout(60_000);
  beforeAll(() => {
    if (!existsSync(join(__dirname, '..', '..', 'dist', 'DrbdlvmSR')))
      throw new Error('dist/DrbdlvmSR is missing: build it first with `npm run build`');
  });
  beforeEach(async () => {
    pool = await SrPool.start();
  });
  afterEach(() => pool.stop());
}

/** xe sr-create on the pool: sr_create on the master, sr_attach on both hosts, sr_update. */
export async function poolWithSr(): Promise<void> {
  const steps = await srCreate(pool);
  expect(outcomes(steps)).toEqual(['A sr_create ok', 'A sr_attach ok', 'B sr_attach ok', 'A sr_update ok']);
}

export async function newVdi(label: string, bytes = 64n * MiB): Promise<Vdi> {
  const { step, vdi } = await vdiCreate(pool, bytes, label);
  expect(outcome(step)).toBe('ok');
  return vdi as Vdi;
}
