// Scenario 36 (bodies/split-brain.ts) on DRBD 9.2.
import { splitBrainScenario } from '../bodies/split-brain';

splitBrainScenario('drbd9-split-brain', { drbd: 9 });
