// Scenario 07 (bodies/sigkill-add.ts) on DRBD 9.2.
import { sigkillAddScenario } from '../bodies/sigkill-add';

sigkillAddScenario('drbd9-sigkill-add', { drbd: 9 });
