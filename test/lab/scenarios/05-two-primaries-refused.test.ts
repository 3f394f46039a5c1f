// The scenario is in bodies/two-primaries-refused.ts, shared with its DRBD 9 run.
import { twoPrimariesRefusedScenario } from '../bodies/two-primaries-refused';

twoPrimariesRefusedScenario('two-primaries-refused');
