// Scenario 04 (bodies/no-uptodate-data.ts) on DRBD 9.2.
import { noUpToDateDataScenario } from '../bodies/no-uptodate-data';

noUpToDateDataScenario('drbd9-no-uptodate-data', { drbd: 9 });
