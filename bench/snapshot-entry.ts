// The V8 start-up snapshot lever of the benchmarks (measured, not shipped: see README).
// Snapshot entry, run by `node --snapshot-blob blob --build-snapshot entry.js` with the node
// that will load the blob (bench:lab in dom0, bench:side-by-side in the Debian root): evaluates
// the bundle's module-level code at build time (everything before its closing statements, which
// read argv and call main or print the help), and makes main the deserialize-main function. Under --snapshot-blob process.argv has no
// script path (argv = [node, 'add']), so the action is found by value, not by position.
export const SNAPSHOT_ENTRY = `'use strict';
const fs = require('fs');
const v8 = require('v8');
const src = fs.readFileSync(process.env.BUNDLE, 'utf8').replace(/^#!.*\\n/, '');
const tail = '\\nvar args = process.argv.slice(2);\\n';
const at = src.lastIndexOf(tail);
if (at < 0) throw new Error('bundle layout changed: no closing argv/main statements');
// Node 18 cannot snapshot some built-ins (child_process, net: "Unknown external reference"):
// the bundle gets them as lazy proxies, loaded on first use, i.e. at run time.
const lazyRequire = (name) => {
  let m;
  const load = () => (m ??= require(name));
  return new Proxy({}, { get: (_, k) => load()[k], has: (_, k) => k in load() });
};
const mod = { exports: {} };
const main = new Function('require', 'module', 'exports', src.slice(0, at) + '\\nreturn main;')(lazyRequire, mod, mod.exports);
v8.startupSnapshot.setDeserializeMainFunction(() => {
  // Node 18 warns "built-in module net is not yet supported in user snapshots" when a lazy proxy
  // loads one at run time: expected here, and it would land in xen-hotplug.log on every run.
  process.removeAllListeners('warning');
  const i = process.argv.findIndex((a, k) => k > 0 && (a === 'add' || a === 'remove'));
  const args = i > 0 ? process.argv.slice(i) : process.argv.slice(2);
  main(args, process.env).then(
    (code) => process.exit(code),
    (e) => { process.stderr.write('block-drbd: ' + e.message + '\\n'); process.exit(1); },
  );
});
`;
