// Scenario 11 (bodies/pygrub.ts) on DRBD 9.2.
import { pygrubScenario } from '../bodies/pygrub';

pygrubScenario('drbd9-pygrub', { drbd: 9 });
