// The scenario is in bodies/sigkill-add.ts, shared with its DRBD 9 run.
import { sigkillAddScenario } from '../bodies/sigkill-add';

sigkillAddScenario('sigkill-add');
