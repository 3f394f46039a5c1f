// The scenario is in bodies/failover.ts, shared with its DRBD 9 run.
import { failoverScenario } from '../bodies/failover';

failoverScenario('failover', { leavesHostUnusable: true });
