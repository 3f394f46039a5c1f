// jest globalTeardown for the lab scenarios: the last file hands its lab on to nobody, so stop it.
import { stopSharedLab } from './shared-lab';

export default function teardown(): void {
  stopSharedLab();
}
