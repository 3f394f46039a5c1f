// Scenario 03 (bodies/failover.ts) on DRBD 9.2: powers A off, so it runs last.
import { failoverScenario } from '../bodies/failover';

failoverScenario('drbd9-failover', { drbd: 9, leavesHostUnusable: true });
