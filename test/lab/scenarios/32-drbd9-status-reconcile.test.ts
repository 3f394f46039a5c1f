// Scenario 12 (bodies/status-reconcile.ts) on DRBD 9.2.
import { statusReconcileScenario } from '../bodies/status-reconcile';

statusReconcileScenario('drbd9-status-reconcile', { drbd: 9 });
