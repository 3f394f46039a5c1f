// Scenario 09 (bodies/live-migration.ts) on DRBD 9.2.
import { liveMigrationScenario } from '../bodies/live-migration';

liveMigrationScenario('drbd9-live-migration', { drbd: 9 });
