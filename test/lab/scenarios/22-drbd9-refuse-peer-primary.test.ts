// Scenario 02 (bodies/refuse-peer-primary.ts) on DRBD 9.2.
import { refusePeerPrimaryScenario } from '../bodies/refuse-peer-primary';

refusePeerPrimaryScenario('drbd9-refuse-peer-primary', { drbd: 9 });
