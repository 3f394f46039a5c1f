// The scenario is in bodies/pygrub.ts, shared with its DRBD 9 run.
import { pygrubScenario } from '../bodies/pygrub';

pygrubScenario('pygrub');
