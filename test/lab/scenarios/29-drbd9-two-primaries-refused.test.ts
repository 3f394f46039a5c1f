// Scenario 05 (bodies/two-primaries-refused.ts) on DRBD 9.2.
import { twoPrimariesRefusedScenario } from '../bodies/two-primaries-refused';

twoPrimariesRefusedScenario('drbd9-two-primaries-refused', { drbd: 9 });
