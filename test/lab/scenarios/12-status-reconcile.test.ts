// The scenario is in bodies/status-reconcile.ts, shared with its DRBD 9 run.
import { statusReconcileScenario } from '../bodies/status-reconcile';

statusReconcileScenario('status-reconcile');
