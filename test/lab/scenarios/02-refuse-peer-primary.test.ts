// The scenario is in bodies/refuse-peer-primary.ts, shared with its DRBD 9 run.
import { refusePeerPrimaryScenario } from '../bodies/refuse-peer-primary';

refusePeerPrimaryScenario('refuse-peer-primary');
