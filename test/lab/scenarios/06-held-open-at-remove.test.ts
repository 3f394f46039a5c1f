// The scenario is in bodies/held-open-at-remove.ts, shared with its DRBD 9 run.
import { heldOpenAtRemoveScenario } from '../bodies/held-open-at-remove';

heldOpenAtRemoveScenario('held-open-at-remove');
