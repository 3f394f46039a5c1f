// Preloaded into block-drbd (NODE_OPTIONS=--require) by HotplugHost({ slowStartMs }): blocks the
// process before the bundle runs, the way a starved dom0 delays Node's start. Other Node processes
// the run starts (the DRBD stand-in) inherit NODE_OPTIONS and are left alone.
'use strict';
if (/block-drbd$/.test(process.argv[1] || '')) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.SLOW_START_MS));
}
