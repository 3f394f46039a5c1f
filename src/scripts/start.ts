// How each executable's bundle starts its main: at once, or, while `xen-drbd startup-snapshot`
// builds a V8 start-up snapshot of the bundle (src/startup-snapshot), as the snapshot's
// deserialize-main function, which node runs at every start from that snapshot instead of
// evaluating the bundle again. `start` must therefore read argv and the environment itself, when
// it runs, never at module level: module-level state is frozen into the snapshot.
//
// The build is told apart by node's own --build-snapshot flag rather than by
// v8.startupSnapshot.isBuildingSnapshot(): requiring node:v8 costs ~6.5 ms per start on Debian's
// nodejs 18 (no code cache), which every ordinary start would pay.
export function startMain(start: () => void): void {
  if (!process.execArgv.includes('--build-snapshot')) {
    start();
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const v8 = require('node:v8') as typeof import('node:v8');
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    quietSnapshotWarnings();
    start();
  });
}

/** Whether this process started from a start-up snapshot (the launcher passed --snapshot-blob), for the logs. */
export function startedFromSnapshot(): boolean {
  return process.execArgv.includes('--snapshot-blob');
}

// Node 18 warns once per start from a snapshot when a built-in it cannot snapshot (child_process,
// net) is first required ("...is not yet supported in user snapshots"). Expected here, since those
// are required lazily on purpose, and noise in xen-hotplug.log; every other warning still prints.
function quietSnapshotWarnings(): void {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (/not yet supported in user snapshots/.test(w.message)) return;
    for (const p of printers) p(w);
  });
}
