// Two things in one lab boot (issue #5):
// 1. Fidelity: every disk spec and domain config in test/lab/xl-corpus goes through the real xl
//    4.17 (`xl -N block-attach 0 SPEC`, `xl create -n FILE`) and through `xen-drbd parse-disk` /
//    `parse-config` (--batch) in dom0; both must accept or reject alike and give the same libxl
//    fields, except the divergences listed, with reasons, in xl-corpus/divergences.json.
// 2. `xen-drbd check --json` on host A and host B: as booted (the lab's known gaps), after the
//    fixes a real host would have (nothing), then with faults planted (exactly their codes).
import { useLab, stepLog } from '../lib/scenario';
import { shq } from '../lib/drbd';
import type { Host } from '../lib/lab';
import {
  compareConfigs,
  compareDiskSpecs,
  configCorpus,
  CONFIG_FIELDS,
  describeCompared,
  diskCorpus,
  divergences,
  pushConfigs,
  unexpected,
  type Compared,
} from '../lib/xl-fidelity';

const NAME = 'xl-fidelity-and-check';
const lab = useLab(NAME);
const CLI = 'node /lab/dist/xen-drbd';

function summary(kind: string, results: readonly Compared[], listed: Readonly<Record<string, string>>): string {
  const agree = results.filter((r) => r.differences.length === 0);
  const bothAccept = agree.filter((r) => !r.ours.startsWith('error')).length;
  const expectedDivergences = results
    .filter((r) => listed[r.input] !== undefined && r.differences.length > 0)
    .map((r) => describeCompared(r, `expected divergence: ${listed[r.input]}`));
  return [
    `${kind}: ${results.length} compared, ${agree.length} agree (${bothAccept} accepted by both), ${results.length - agree.length} differ`,
    ...expectedDivergences,
  ].join('\n');
}

interface Timed {
  readonly results: Compared[];
  readonly seconds: number;
}

async function timed(compare: () => Promise<Compared[]>): Promise<Timed> {
  const started = Date.now();
  const results = await compare();
  return { results, seconds: (Date.now() - started) / 1000 };
}

describe('xen-drbd parse-disk / parse-config give the answers of xl 4.17', () => {
  const specs = diskCorpus();
  const files = configCorpus();
  let specRun: Promise<Timed>;
  let configRun: Promise<Timed>;

  // The specs on host A and the configs on host B at once: the two loops are most of this scenario.
  beforeAll(() => {
    const { A, B } = lab();
    specRun = timed(() => compareDiskSpecs(A, specs));
    configRun = timed(async () => {
      await pushConfigs(B);
      return compareConfigs(B, files);
    });
    // Each is awaited by its test; a failure shows there, not as an unhandled rejection meanwhile.
    for (const run of [specRun, configRun]) run.catch(() => undefined);
  });

  test('disk specs (host A): same decision, same libxl fields, same message', async () => {
    const { results, seconds } = await specRun;
    const listed = divergences().diskSpecs;
    stepLog(NAME, `${summary('disk specs', results, listed)}\n(${seconds.toFixed(1)} s)`);
    lab().note('disk specs', `${specs.length} compared in ${seconds.toFixed(0)} s`);
    expect(specs.length).toBeGreaterThanOrEqual(150);
    expect(unexpected(results, listed)).toBe('');
  });

  test(`configs (host B): same decision; for accepted ones the same ${CONFIG_FIELDS.join(', ')}`, async () => {
    const { results, seconds } = await configRun;
    const listed = divergences().configs;
    stepLog(NAME, `${summary('configs', results, listed)}\n(${seconds.toFixed(1)} s)`);
    for (const r of results) stepLog(NAME, `  ${r.input}: xl ${r.xl} / xen-drbd ${r.ours}`);
    lab().note('configs', `${files.length} compared in ${seconds.toFixed(0)} s`);
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(unexpected(results, listed)).toBe('');
  });
});

interface Finding {
  readonly code: string;
  readonly severity: string;
  readonly where: string;
  readonly message: string;
}

const PEER_LIST = '/root/peer-auto.list';

/** `xen-drbd check --json` with the peer's /etc/xen/auto listing, as an admin would pass it. */
async function check(h: Host, peer: Host): Promise<Finding[]> {
  await h.sh(`cat > ${PEER_LIST}`, { stdin: await peer.sh('ls /etc/xen/auto 2>/dev/null || true') });
  const r = await h.run(`${CLI} check --json --peer-auto-list ${PEER_LIST}`, { timeoutMs: 120_000, job: true });
  let out: { findings: Finding[]; exitCode: number };
  try {
    out = JSON.parse(r.stdout) as typeof out;
  } catch {
    throw new Error(`host ${h.name}: check --json printed no JSON (rc=${r.code}): ${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 300)}`);
  }
  expect(r.code).toBe(out.exitCode);
  return out.findings;
}

/** The codes found, sorted, each as often as found; the findings themselves go to the log. */
async function expectCodes(stage: string, h: Host, peer: Host, expected: readonly string[]): Promise<void> {
  const findings = await check(h, peer);
  const codes = findings.map((f) => f.code).sort();
  stepLog(NAME, `check on host ${h.name} (${stage}): ${codes.join(', ') || 'nothing'}`);
  for (const f of findings) stepLog(NAME, `  ${f.code} ${f.severity} ${f.where}: ${f.message}`);
  lab().note(`check ${h.name} ${stage}`, codes.join(',') || 'nothing');
  expect({ host: h.name, stage, codes }).toEqual({ host: h.name, stage, codes: [...expected].sort() });
}

// What `check` rightly reports on a freshly booted lab dom0 with r0: things real hosts are told
// to set up and the lab does not.
const AS_BOOTED: Readonly<Record<string, string>> = {
  XD111: 'lib/drbd.ts defines r0 without fencing and a fence-peer handler',
  XD113: 'r0 has no verify-alg',
  XD114: "no split-brain handler (Debian's global_common.conf has them commented out)",
  XD201: "Debian's lvm.conf has no filter, so LVM would scan r0's backing loop device",
  XD203: 'nothing in /etc/modprobe.d sets disable_sendpage',
  XD204: 'the dom0 has no cron jobs (and no cron) at all',
  XD205: 'Debian installs drbd disabled at boot (only K01drbd links)',
};

const GLOBAL_COMMON = `global {
\tusage-count no;
\tudev-always-use-vnr;
}
common {
\thandlers {
\t\tsplit-brain "/usr/lib/drbd/notify-split-brain.sh root";
\t\tfence-peer "/usr/lib/drbd/crm-fence-peer.sh";
\t\tafter-resync-target "/usr/lib/drbd/crm-unfence-peer.sh";
\t}
\tdisk {
\t\tfencing resource-only;
\t}
\tnet {
\t\tverify-alg crc32c;
\t}
}
`;

const LVM_FILTER = '\tglobal_filter = [ "a|^/dev/drbd|", "r|^/dev/loop|" ]';

// The fixes for AS_BOOTED, as an admin would make them; LVM's original is kept for the faults.
function fixCommands(): string {
  return [
    `cat > /etc/drbd.d/global_common.conf`,
    `cp /etc/lvm/lvm.conf /root/lvm.conf.orig`,
    `awk -v line=${shq(LVM_FILTER)} '{ print } /^devices \\{/ && !done { print line; done = 1 }' /root/lvm.conf.orig > /etc/lvm/lvm.conf`,
    `grep -q global_filter /etc/lvm/lvm.conf`,
    `echo 'options drbd disable_sendpage=1' > /etc/modprobe.d/drbd.conf`,
    `mkdir -p /etc/cron.d && echo '42 0 * * 0 root /sbin/drbdadm verify all' > /etc/cron.d/drbd-verify`,
    `for l in 2 3 4 5; do mkdir -p /etc/rc$l.d && ln -sf ../init.d/drbd /etc/rc$l.d/S01drbd; done`,
    // Shut domains down rather than save them (XD121 once a DRBD domain is auto-started).
    `sed -i 's/^XENDOMAINS_SAVE=.*/XENDOMAINS_SAVE=""/' /etc/default/xendomains`,
  ].join(' && ');
}

const GOOD_DOMAIN = 'name = "vm1"\ntype = "pvh"\nkernel = "/var/lib/xen/kernels/vmlinuz"\nmemory = 256\ndisk = [ "drbd:r0,xvda,w" ]\n';

describe('xen-drbd check on both hosts', () => {
  test('as booted: only the gaps the lab really has', async () => {
    const { A, B } = lab();
    for (const [k, why] of Object.entries(AS_BOOTED)) stepLog(NAME, `expected on the lab as booted: ${k}: ${why}`);
    await Promise.all([expectCodes('as booted', A, B, Object.keys(AS_BOOTED)), expectCodes('as booted', B, A, Object.keys(AS_BOOTED))]);
  });

  test('fixed as a real host would be, with a DRBD domain auto-started on A: nothing', async () => {
    const { A, B } = lab();
    await Promise.all([A, B].map((h) => h.sh(fixCommands(), { stdin: GLOBAL_COMMON })));
    await A.sh('mkdir -p /etc/xen/auto && cat > /etc/xen/auto/vm1.cfg', { stdin: GOOD_DOMAIN });
    await Promise.all([expectCodes('fixed', A, B, []), expectCodes('fixed', B, A, [])]);
  });

  test('planted faults: exactly their codes, on each host', async () => {
    const { A, B } = lab();
    // rbad: protocol A (no live migration) and no fencing; rhalf: no section for hostb.
    const resources =
      `resource rbad {\n  net { protocol A; }\n  disk { fencing dont-care; }\n` +
      `  on hosta { device /dev/drbd9; disk /dev/loop9; meta-disk internal; address ${A.replIp}:7799; }\n` +
      `  on hostb { device /dev/drbd9; disk /dev/loop9; meta-disk internal; address ${B.replIp}:7799; }\n}\n` +
      `resource rhalf {\n  on hosta { device /dev/drbd8; disk /dev/loop8; meta-disk internal; address ${A.replIp}:7798; }\n` +
      `  on hostc { device /dev/drbd8; disk /dev/loop8; meta-disk internal; address 10.99.0.99:7798; }\n}\n`;
    // The same domain in /etc/xen/auto on both hosts, booted by pygrub; and one with bad disks.
    const vm1 = 'name = "vm1"\nbootloader = "pygrub"\nmemory = 256\ndisk = [ "drbd:r0,xvda,w" ]\n';
    const vm2 =
      'name = "vm2"\nkernel = "/k"\ndisk = [ "drbd:nosuch,xvda,w", "drbd:rbad,xvdb,w", "drbd:rhalf,xvdc,w", "r0,xvdd,w", "phy:/dev/drbd0,xvde,w" ]\n';
    await Promise.all(
      [A, B].map(async (h) => {
        await h.sh('cat > /etc/drbd.d/faults.res', { stdin: resources });
        await h.sh('mkdir -p /etc/xen/auto && cat > /etc/xen/auto/vm1.cfg', { stdin: vm1 });
        await h.sh('cat > /etc/xen/auto/vm2.cfg', { stdin: vm2 });
        await h.sh(
          [
            'cp /root/lvm.conf.orig /etc/lvm/lvm.conf',
            `sed -i 's|^XENDOMAINS_SAVE=.*|XENDOMAINS_SAVE=/var/lib/xen/save|; s|^XENDOMAINS_RESTORE=.*|XENDOMAINS_RESTORE=true|' /etc/default/xendomains`,
            // LINBIT's shell script from drbd-utils, as Debian installs it. In place of our
            // link, not through it: plain cp would overwrite the bundle the link points at.
            'cp --remove-destination /etc/xen/scripts/block-drbd.debian /etc/xen/scripts/block-drbd',
          ].join(' && '),
        );
      }),
    );
    const planted = [
      'XD101', // vm2: 'r0,xvdd,w', the LINBIT shorthand xl rejects
      'XD103', // vm2: drbd:nosuch
      'XD109', // vm1: pygrub from drbd:r0
      'XD110', // rbad: protocol A
      'XD111', // rbad: fencing dont-care
      'XD116', // vm2: phy:/dev/drbd0, r0's device through Xen's block script
      'XD120', // vm1 auto-started on both hosts
      'XD120', // vm2 likewise
      'XD121', // XENDOMAINS_SAVE set with XENDOMAINS_RESTORE=true
      'XD201', // lvm.conf without a filter
      'XD207', // LINBIT's block-drbd installed
    ];
    // B also: rhalf has no 'on hostb'.
    await Promise.all([expectCodes('faults', A, B, planted), expectCodes('faults', B, A, [...planted, 'XD104'])]);
  });
});
