// Scenario 06 (bodies/held-open-at-remove.ts) on DRBD 9.2.
import { heldOpenAtRemoveScenario } from '../bodies/held-open-at-remove';

heldOpenAtRemoveScenario('drbd9-held-open-at-remove', { drbd: 9 });
