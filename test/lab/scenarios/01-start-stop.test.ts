// The scenario is in bodies/start-stop.ts, shared with its DRBD 9 run.
import { startStopScenario } from '../bodies/start-stop';

startStopScenario('start-stop');
