// Scenario 01 (bodies/start-stop.ts) on DRBD 9.2.
import { startStopScenario } from '../bodies/start-stop';

startStopScenario('drbd9-start-stop', { drbd: 9 });
