// The scenario is in bodies/drbdlvm-sr.ts, shared with its DRBD 9 run.
import { drbdlvmSrScenario } from '../bodies/drbdlvm-sr';

drbdlvmSrScenario('drbdlvm-sr');
