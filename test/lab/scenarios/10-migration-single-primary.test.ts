// The scenario is in bodies/migration-single-primary.ts, shared with its DRBD 9 run.
import { migrationSinglePrimaryScenario } from '../bodies/migration-single-primary';

migrationSinglePrimaryScenario('migration-single-primary');
