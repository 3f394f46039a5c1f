// The scenario is in bodies/live-migration.ts, shared with its DRBD 9 run.
import { liveMigrationScenario } from '../bodies/live-migration';

liveMigrationScenario('live-migration');
