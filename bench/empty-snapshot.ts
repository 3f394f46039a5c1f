// The source of an empty program's V8 start-up snapshot, for the benches' floor rows: its main only
// loads the given built-ins and sets exit code 7, so a run that exits 7 started from the snapshot.
export const EMPTY_SNAPSHOT_EXIT = 7;

export function emptySnapshotMain(builtins: readonly string[] = []): string {
  const loads = builtins.map((b) => `require('${b}'); `).join('');
  return `require('v8').startupSnapshot.setDeserializeMainFunction(() => { ${loads}process.exitCode = ${EMPTY_SNAPSHOT_EXIT}; });\n`;
}
