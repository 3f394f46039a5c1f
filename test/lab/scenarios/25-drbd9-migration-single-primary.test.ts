// Scenario 10 (bodies/migration-single-primary.ts) on DRBD 9.2.
import { migrationSinglePrimaryScenario } from '../bodies/migration-single-primary';

migrationSinglePrimaryScenario('drbd9-migration-single-primary', { drbd: 9 });
