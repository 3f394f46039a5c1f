// Scenario 08 (bodies/two-volumes.ts) on DRBD 9.2.
import { twoVolumesScenario } from '../bodies/two-volumes';

twoVolumesScenario('drbd9-two-volumes', { drbd: 9 });
