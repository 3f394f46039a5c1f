// The scenario is in bodies/two-volumes.ts, shared with its DRBD 9 run.
import { twoVolumesScenario } from '../bodies/two-volumes';

twoVolumesScenario('two-volumes');
