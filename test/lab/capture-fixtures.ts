// Boots the lab and records real DRBD 8.4 outputs into test/fixtures/drbd84/:
// NAME.stdout, NAME.stderr, NAME.rc and INDEX.tsv (name, host, rc, command, situation).
// It records only what some test reads (test/unit/support/recorded-sets.test.ts fails on a set no
// test reads): add a capture together with the test that uses it.
// Run: npx tsx test/lab/capture-fixtures.ts   (needs test/lab/build.sh first)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lab, REPO_ROOT, type Host } from './lib/lab';
import { R0, R1_TWO_VOLUMES, defineResource, waitConnected, waitUpToDate } from './lib/drbd';
import { Reporter } from './lib/report';

const OUT = path.join(REPO_ROOT, 'test', 'fixtures', 'drbd84');
const index: string[][] = [];

async function cap(h: Host, name: string, cmd: string, situation: string): Promise<void> {
  const r = await h.run(cmd, { env: { LANG: 'C', LC_ALL: 'C' }, timeoutMs: 60_000 });
  fs.writeFileSync(path.join(OUT, `${name}.stdout`), r.stdout);
  fs.writeFileSync(path.join(OUT, `${name}.stderr`), r.stderr);
  fs.writeFileSync(path.join(OUT, `${name}.rc`), `${r.code ?? 'signal ' + r.signal}\n`);
  index.push([name, h.hostname, String(r.code), cmd, situation]);
  writeIndex();
  const first = (r.stdout.trim() || r.stderr.trim()).split('\n')[0] ?? '';
  console.log(`    fixture ${name} (host ${h.name}, rc=${r.code}): ${first.slice(0, 100)}`);
}

function writeIndex(): void {
  const rows = [['name', 'host', 'rc', 'command', 'situation'], ...index];
  fs.writeFileSync(path.join(OUT, 'INDEX.tsv'), rows.map((r) => r.map((c) => c.replace(/[\t\n]/g, ' ')).join('\t')).join('\n') + '\n');
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const rep = new Reporter('DRBD 8.4 fixture capture');
  const lab = await rep.step('boot hosts A and B', () => Lab.start({ script: 'debian' }));
  const { A, B } = lab.hosts;
  try {
    await cap(A, 'proc_drbd_unconfigured', 'cat /proc/drbd', 'module loaded, no resource up');

    // A up alone: StandAlone → WFConnection, Inconsistent (fresh metadata).
    await rep.step('define r0 (create-md + up on both)', () => defineResource(lab, R0));
    await cap(A, 'drbdadm_dump_xml_r0', 'drbdadm dump-xml r0', 'r0 config (8.4 syntax)');
    await cap(A, 'drbdadm_dump_r0', 'drbdadm dump r0', 'r0 config (8.4 syntax)');
    await cap(A, 'drbdadm_sh_dev_nosuch', 'drbdadm sh-dev nosuch', 'resource not in the config');
    await rep.step('wait r0 connected (Inconsistent)', () => waitConnected(lab, 'r0'));
    await cap(
      A,
      'proc_drbd_connected_inconsistent',
      'cat /proc/drbd',
      'fresh r0, connected, both Secondary/Inconsistent (no initial sync yet)',
    );
    await cap(
      A,
      'drbdadm_primary_inconsistent_connected',
      'drbdadm primary r0',
      'fresh r0 connected, both disks Inconsistent: promote refused',
    );

    // Initial sync, slowed down so that "while syncing" can be seen.
    await A.sh('drbdadm disk-options --c-plan-ahead=0 --resync-rate=1M r0');
    await B.sh('drbdadm disk-options --c-plan-ahead=0 --resync-rate=1M r0');
    await A.sh('drbdadm primary --force r0');
    await cap(A, 'proc_drbd_syncsource', 'sleep 2; cat /proc/drbd', 'initial sync running (resync-rate 1M), A is SyncSource Primary');
    await cap(B, 'proc_drbd_synctarget', 'cat /proc/drbd', 'initial sync running, B is SyncTarget Secondary');
    await cap(B, 'drbdadm_primary_synctarget_peer_primary', 'drbdadm primary r0', 'B is SyncTarget, A Primary: promote refused');
    await cap(A, 'drbdsetup_show_r0_slow_resync', 'drbdsetup show r0', 'r0 after disk-options --resync-rate=1M');
    await A.sh('drbdadm adjust r0');
    await B.sh('drbdadm adjust r0');
    await rep.step('initial sync to UpToDate', () => waitUpToDate(lab, 'r0'));

    // Primary/Secondary.
    await cap(A, 'proc_drbd_primary_secondary', 'cat /proc/drbd', 'r0 connected, A Primary, B Secondary, UpToDate/UpToDate');
    await cap(B, 'proc_drbd_secondary_primary', 'cat /proc/drbd', 'r0 connected, seen from B (Secondary, peer Primary)');
    await cap(B, 'drbdadm_primary_peer_primary', 'drbdadm primary r0', 'peer (A) is Primary, allow-two-primaries not set');
    await cap(A, 'drbdsetup_84_show_r0', '/lib/drbd/drbdsetup-84 show r0', 'r0 connected (8.4 drbdsetup called directly)');
    await cap(A, 'drbdsetup_show_r0', 'drbdsetup show r0', 'r0 connected (drbd-utils 9 drbdsetup wrapper)');

    // Held open.
    await A.sh("nohup bash -c 'exec 3</dev/drbd0; exec sleep 25' >/dev/null 2>&1 & echo $! > /tmp/holder.pid; sleep 1");
    await cap(
      A,
      'drbdadm_secondary_held_open',
      'drbdadm secondary r0',
      'A Primary and /dev/drbd0 held open by a shell (exec 3</dev/drbd0)',
    );
    await A.sh('kill $(cat /tmp/holder.pid); sleep 1');
    await A.sh('drbdadm secondary r0');

    // Connected Secondary/Secondary UpToDate.
    await cap(A, 'proc_drbd_connected_secondary_uptodate', 'cat /proc/drbd', 'r0 connected Secondary/Secondary UpToDate/UpToDate');

    // allow-two-primaries at run time.
    await A.sh('drbdadm net-options --allow-two-primaries=yes r0');
    await B.sh('drbdadm net-options --allow-two-primaries=yes r0');
    await cap(A, 'drbdsetup_show_r0_allow_two_primaries', 'drbdsetup show r0', 'after net-options --allow-two-primaries=yes');
    await A.sh('drbdadm primary r0');
    await B.sh('drbdadm primary r0');
    await cap(A, 'proc_drbd_primary_primary', 'cat /proc/drbd', 'dual primary');
    await A.sh('drbdadm secondary r0');
    await B.sh('drbdadm secondary r0');
    await A.sh('drbdadm net-options --allow-two-primaries=no r0');
    await B.sh('drbdadm net-options --allow-two-primaries=no r0');
    await cap(A, 'drbdsetup_show_r0_after_reset', 'drbdsetup show r0', 'after net-options --allow-two-primaries=no');

    // Peer down → WFConnection.
    await B.sh('drbdadm down r0');
    await A.waitFor('drbdadm cstate r0', (r) => r.stdout.trim() === 'WFConnection', 30_000);
    await cap(A, 'proc_drbd_wfconnection', 'cat /proc/drbd', 'peer took r0 down: WFConnection, Secondary/Unknown UpToDate/DUnknown');
    await cap(B, 'proc_drbd_down', 'cat /proc/drbd', 'r0 down on this host');
    await cap(B, 'drbdadm_role_down', 'drbdadm role r0', 'r0 down on this host (configured but not up)');

    // StandAlone.
    await A.sh('drbdadm disconnect r0');
    await cap(A, 'proc_drbd_standalone', 'cat /proc/drbd', 'after drbdadm disconnect: StandAlone');
    // Diskless.
    await A.sh('drbdadm detach r0');
    await cap(A, 'proc_drbd_diskless', 'cat /proc/drbd', 'after drbdadm detach (and disconnected): Diskless');
    await cap(A, 'drbdadm_primary_diskless_standalone', 'drbdadm primary r0', 'no disk, no peer: promote refused');
    await A.sh('drbdadm attach r0');
    // Outdated, no peer.
    await A.sh('drbdadm outdate r0');
    await cap(A, 'proc_drbd_outdated_standalone', 'cat /proc/drbd', 'after drbdadm outdate while StandAlone');
    await cap(A, 'drbdadm_primary_outdated_no_peer', 'drbdadm primary r0', 'local disk Outdated, no peer: promote refused');
    await A.sh('drbdadm connect r0');
    await cap(A, 'proc_drbd_outdated_wfconnection', 'cat /proc/drbd', 'Outdated, waiting for the peer');
    await cap(A, 'drbdadm_primary_outdated_wfconnection', 'drbdadm primary r0', 'local disk Outdated, peer not connected: promote refused');
    // Peer back: A syncs from B.
    await B.sh('drbdadm up r0');
    await rep.step('r0 reconnected and resynced', () => waitUpToDate(lab, 'r0'));
    // Diskless while connected (detach keeps the minor configured when a peer is there).
    await A.sh('drbdadm detach r0');
    await cap(A, 'proc_drbd_diskless_connected', 'cat /proc/drbd', 'A detached while connected: Diskless/UpToDate');
    await A.sh('drbdadm attach r0');
    await waitUpToDate(lab, 'r0');

    // Two volumes.
    await rep.step('define r1 with two volumes', async () => {
      await defineResource(lab, R1_TWO_VOLUMES);
      await waitConnected(lab, 'r1');
    });
    await cap(A, 'drbdadm_sh_dev_r1', 'drbdadm sh-dev r1', 'two-volume r1 (minors 1 and 2)');
    await cap(A, 'drbdadm_sh_dev_r1_1', 'drbdadm sh-dev r1/1', 'volume 1 of r1');
    await cap(A, 'drbdadm_dump_xml_r1', 'drbdadm dump-xml r1', 'two-volume r1 config');
    await cap(A, 'drbdsetup_show_r1', 'drbdsetup show r1', 'two-volume r1');
    await cap(A, 'proc_drbd_three_minors', 'cat /proc/drbd', 'r0 (minor 0, UpToDate) + r1 (minors 1, 2, Inconsistent)');
    await cap(A, 'drbdadm_sh_resources', 'drbdadm sh-resources', 'r0 and r1 configured');
    rep.record('fixtures written', 'ok', `${index.length} commands → ${OUT}`);
  } finally {
    await lab.stop();
    console.log(rep.summary({ fixtures: String(index.length), run: lab.runDir }));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
