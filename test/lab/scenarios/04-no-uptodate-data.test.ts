// The scenario is in bodies/no-uptodate-data.ts, shared with its DRBD 9 run.
import { noUpToDateDataScenario } from '../bodies/no-uptodate-data';

noUpToDateDataScenario('no-uptodate-data');
