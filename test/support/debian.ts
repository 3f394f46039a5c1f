// Debian's own files, extracted by test/fixtures/debian/fetch.sh into a cache outside the repo.
// Locally a missing cache skips these tests; under CI=true it fails them, since .ci/run fetches it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEBIAN_CACHE = process.env.XEN_DRBD_DEBIAN_CACHE ?? '/var/cache/xen-drbd-debian';

export const debianPath = (path: string): string => join(DEBIAN_CACHE, path);

export const debianText = (path: string): string => readFileSync(debianPath(path), 'utf8');

const available = existsSync(join(DEBIAN_CACHE, 'VERSIONS'));

/** describe() for tests on Debian's files: skipped locally without the cache, failing under CI. */
export function describeDebian(name: string, fn: () => void): void {
  if (available) describe(name, fn);
  else if (process.env.CI === 'true') {
    describe(name, () => {
      test(`needs Debian's files in ${DEBIAN_CACHE}`, () => {
        throw new Error(`${DEBIAN_CACHE} is missing: run test/fixtures/debian/fetch.sh (CI runs it from .ci/run)`);
      });
    });
  } else describe.skip(name, fn);
}
