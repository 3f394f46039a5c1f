// The scenario is in bodies/split-brain.ts, shared with its DRBD 9 run.
import { splitBrainScenario } from '../bodies/split-brain';

splitBrainScenario('split-brain');
