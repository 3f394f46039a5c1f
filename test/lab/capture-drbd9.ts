// Boots a DRBD 9 lab (Xen hosts A and B, plain host C) and records real `drbdsetup status --json`
// outputs into test/fixtures/drbd9/lab-9.2.18/ (`<situation>.host<X>.status.json`, the naming of
// that folder's README) for the situations the parser's tests read and no scenario leaves behind:
// two volumes with the peer Primary, a resync target, and a three-node resource with and without
// quorum; and what `drbdsetup events2 r0` streamed on A while A was cut off and came back (the
// watch of a settling resource reads it). Like capture-fixtures.ts, it records only what some
// test reads.
// Run: npx tsx test/lab/capture-drbd9.ts   (needs test/lab/build.sh with the DRBD 9 tarball first)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lab, REPO_ROOT, type Host } from './lib/lab';
import { R0_QUORUM, R1_TWO_VOLUMES, STATUS9, createResource, waitQuorum, waitUpToDate } from './lib/drbd';
import { Reporter } from './lib/report';

const OUT = path.join(REPO_ROOT, 'test', 'fixtures', 'drbd9', 'lab-9.2.18');

async function cap(h: Host, situation: string, res: string): Promise<string> {
  const r = await h.run(STATUS9(res), { env: { LANG: 'C', LC_ALL: 'C' }, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${STATUS9(res)} on ${h.name}: rc=${r.code} ${r.stderr}`);
  const file = `${situation}.host${h.name}.status.json`;
  fs.writeFileSync(path.join(OUT, file), r.stdout);
  console.log(`    fixture ${file}`);
  return r.stdout;
}

async function main(): Promise<void> {
  const rep = new Reporter('DRBD 9 status capture');
  const lab = await rep.step('boot hosts A, B (Xen) and C (plain), DRBD 9', () =>
    Lab.start({ script: 'debian', drbd: 9, hosts: ['A', 'B', 'C'] }),
  );
  const { A, B } = lab.hosts;
  const C = lab.hosts.C!;
  try {
    await rep.step('r1 (two volumes on A and B) created', () => createResource(lab, R1_TWO_VOLUMES));
    await A.sh('drbdadm primary r1');
    await cap(B, 'two-volumes-peer-primary', 'r1');
    await A.sh('drbdadm secondary r1');

    // A resync slow enough to be seen: B's volume 0 invalidated, the rate cut on both ends.
    for (const h of [A, B]) await h.sh('drbdadm peer-device-options --resync-rate=256k r1');
    await B.sh('drbdadm invalidate r1/0');
    await B.waitFor(STATUS9('r1'), (r) => /"replication-state": "SyncTarget"/.test(r.stdout), 60_000, 'B SyncTarget');
    await cap(B, 'sync-target', 'r1');
    for (const h of [A, B]) await h.sh('drbdadm adjust r1');
    await rep.step('r1 resynced', () => waitUpToDate(lab, 'r1', 300_000));

    await rep.step('r0 on A, B and C (diskless tiebreaker), quorum majority', () => createResource(lab, R0_QUORUM));
    await cap(A, 'three-nodes-connected', 'r0');
    await cap(C, 'three-nodes-connected', 'r0');
    const nic = (await A.sh(`ip -o -4 addr show to 10.99.0.0/24 | awk '{print $2}'`)).trim();
    await A.sh('drbdsetup events2 r0 > /tmp/events2-stream.txt 2>&1 & echo $! > /tmp/events2-stream.pid');
    await A.waitFor('cat /tmp/events2-stream.txt', (r) => /^exists -$/m.test(r.stdout), 30_000, 'events2 told the state');
    await A.sh(`ip link set dev ${nic} down`);
    await rep.step('A cut off: quorum lost on A, kept on B', async () => {
      await waitQuorum(A, 'r0', false);
      await waitQuorum(B, 'r0', true);
    });
    await cap(A, 'three-nodes-no-quorum', 'r0');
    await cap(B, 'three-nodes-peer-cut-off', 'r0');
    await A.sh(`ip link set dev ${nic} up`);
    await rep.step('A back with quorum', () => waitQuorum(A, 'r0', true));
    await waitUpToDate(lab, 'r0');
    await A.sh('kill $(cat /tmp/events2-stream.pid)');
    const stream = 'cut-off-and-back.hostA.events2-stream.txt';
    fs.writeFileSync(path.join(OUT, stream), await A.sh('cat /tmp/events2-stream.txt'));
    console.log(`    fixture ${stream}`);
    rep.record('fixtures written', 'ok', OUT);
  } finally {
    await lab.stop();
    console.log(rep.summary({ run: lab.runDir }));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
