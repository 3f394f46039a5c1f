// Scenario 17 (bodies/drbdlvm-sr.ts) on DRBD 9.2: the SR driver unchanged.
import { drbdlvmSrScenario } from '../bodies/drbdlvm-sr';

drbdlvmSrScenario('drbd9-drbdlvm-sr', { drbd: 9 });
