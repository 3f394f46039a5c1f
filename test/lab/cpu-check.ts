// Does the lab's qemu CPU model compute correctly in dom0? Three Node processes in dom0 A hash the
// same 1 MiB buffer in a loop (plus JSON and floating point) and exit 3 on a wrong SHA-256; first
// with no guest, then while a PVH guest on drbd:r0 is started and destroyed (ROUNDS times).
// Exits 1 when any process computed a wrong result. See test/lab/README.md, "CPU model".
// Usage: npm run build && npx tsx test/lab/cpu-check.ts   (LAB_QEMU_CPU=... to try another model)
import { Lab, qemuCpu } from './lib/lab';
import { createResource, R0, xlCreate } from './lib/drbd';

const ROUNDS = Number(process.env.ROUNDS || 4);
const QUIET_MS = Number(process.env.QUIET_MS || 90_000);
const GUEST_MS = 15_000;

const LOOP = `
const c = require('crypto');
const want = c.createHash('sha256').update(Buffer.alloc(1 << 20, 7)).digest('hex');
for (let i = 1; ; i++) {
  const h = c.createHash('sha256').update(Buffer.from(Buffer.alloc(1 << 20, 7))).digest('hex');
  if (h !== want) { console.log('WRONG-SHA at', i); process.exit(3); }
  const o = JSON.parse(JSON.stringify({ a: [1.5, 2.25, i / 3] }));
  if (o.a[1] !== 2.25) { console.log('WRONG-JSON at', i); process.exit(4); }
  let f = 0; for (let k = 0; k < 20000; k++) f += Math.sqrt(k);
  if (!(f > 1e6)) { console.log('WRONG-FLOAT at', i); process.exit(5); }
  if (i % 50 === 0) console.log('iterations', i);
}`;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  const lab = await Lab.start({ script: 'dist' });
  const { A } = lab.hosts;
  const phases: string[] = [];
  let wrong = 0;
  const phase = async (what: string, during: () => Promise<void>) => {
    await A.sh('for n in 1 2 3; do setsid nohup node /tmp/cpu-loop.js > /tmp/cpu-loop.$n.log 2>&1 < /dev/null & done; echo started');
    await during();
    await A.run('pkill -f cpu-loop.js; sleep 1');
    const out = (await A.run('for f in /tmp/cpu-loop.*.log; do tail -n 1 $f; done; rm -f /tmp/cpu-loop.*.log')).stdout.trim().split('\n');
    const bad = out.filter((l) => /WRONG/.test(l)).length;
    wrong += bad;
    phases.push(`${what}: ${out.join(' | ')}${bad ? `  <- ${bad} wrong` : ''}`);
    console.log(phases[phases.length - 1]);
  };
  try {
    console.log(`cpu ${qemuCpu()}; dom0 flags: ${(await A.sh("grep -m1 '^flags' /proc/cpuinfo")).replace(/^flags\s*:\s*/, '').trim()}`);
    await createResource(lab, R0);
    await A.sh('cat > /tmp/cpu-loop.js', { stdin: LOOP });
    await phase(`no guest, ${QUIET_MS / 1000} s`, () => sleep(QUIET_MS));
    for (let r = 1; r <= ROUNDS; r++) {
      await phase(`round ${r}: guest started, ${GUEST_MS / 1000} s, destroyed`, async () => {
        const c = await xlCreate(A, { name: 'cpu', disks: ['drbd:r0,xvda,w'], action: 'hold' });
        if (c.code !== 0) throw new Error(`xl create failed: ${c.stderr.slice(-300)}`);
        await sleep(GUEST_MS);
        await A.run('xl destroy cpu', { timeoutMs: 60_000 });
      });
    }
  } finally {
    await lab.stop();
  }
  console.log(`\ncpu ${qemuCpu()}: ${wrong} wrong result(s) in ${phases.length} phases of 3 processes`);
  return wrong === 0 ? 0 : 1;
}

main().then(
  (c) => process.exit(c),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
