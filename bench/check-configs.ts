// Benchmark: parse and lint 1,000 domain configs the size of real ones (~45 lines, ~1 KB, as
// xen-tools writes them: comments, kernel, two DRBD disks, a vif, lifecycle actions) against a DRBD
// config of 1,000 resources in drbdadm's own dump-xml form. Each run does what `xen-drbd check`
// does after reading files: parse the dump-xml, parse every config, run every rule.
//
//   npx tsx bench/check-configs.ts
//
// Prints the median of RUNS runs and writes bench/results/check-configs.md.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runChecks } from '../src/check/check';
import { launcherBanner, NAME_PLACEHOLDER } from '../src/startup-snapshot/layout';
import { readDomain } from '../src/check/domain';
import type { CheckInputs } from '../src/check/inputs';
import { parseDumpXml } from '../src/drbd/parse/dump-xml';
import { DEFAULT_POLICY } from '../src/policy/policy';

const CONFIGS = 1000;
const RUNS = 15;
const COMMAND = 'npx tsx bench/check-configs.ts';

function config(i: number): string {
  const name = `vm${String(i).padStart(4, '0')}`;
  return `#
# Configuration file for the Xen instance ${name}, created
# by xen-tools 4.9.2 and adapted for DRBD-replicated disks.
#

#
#  Kernel + memory size
#
kernel      = '/boot/vmlinuz-6.1.0-${i % 30}-amd64'
extra       = 'elevator=noop console=hvc0'
ramdisk     = '/boot/initrd.img-6.1.0-${i % 30}-amd64'

vcpus       = '${1 + (i % 4)}'
memory      = '${512 * (1 + (i % 8))}'
maxmem      = '${1024 * (1 + (i % 8))}'

#
#  Disk device(s): one DRBD resource per domain, two volumes.
#
root        = '/dev/xvda2 ro'
disk        = [
                  'vdev=xvda2,access=rw,script=block-drbd,target=r${i}/0',
                  'drbd:r${i}/1,xvda1,w',
              ]

#
#  Physical volumes and networking
#
name        = '${name}'
hostname    = '${name}.example.org'

vif         = [ 'ip=10.${(i >> 8) & 255}.${i & 255}.10 ,mac=00:16:3E:${(i % 256).toString(16).padStart(2, '0')}:1C:4B,bridge=xenbr0' ]

#
#  Behaviour
#
on_poweroff = 'destroy'
on_reboot   = 'restart'
on_crash    = 'restart'

# Keep the console on the serial line for the out-of-band log collector.
serial      = 'pty'
vnc         = 0
`;
}

function dumpXml(resources: number): string {
  const res = (i: number) => {
    const volumes = [0, 1]
      .map(
        (v) =>
          `            <volume vnr="${v}">\n                <device minor="${2 * i + v}">/dev/drbd${2 * i + v}</device>\n                <disk>/dev/vg0/vm${i}-${v}</disk>\n                <meta-disk>internal</meta-disk>\n            </volume>`,
      )
      .join('\n');
    const host = (name: string, ip: string) =>
      `        <host name="${name}">\n${volumes}\n            <address family="ipv4" port="${7000 + i}">${ip}</address>\n        </host>`;
    return `    <resource name="r${i}" conf-file-line="/etc/drbd.d/r${i}.res:1">\n${host('alpha', '10.0.0.1')}\n${host('bravo', '10.0.0.2')}\n        <connection>\n            <host name="alpha"><address family="ipv4" port="${7000 + i}">10.0.0.1</address></host>\n            <host name="bravo"><address family="ipv4" port="${7000 + i}">10.0.0.2</address></host>\n        </connection>\n    </resource>`;
  };
  const common = `    <common>\n        <section name="net">\n            <option name="protocol" value="C"/>\n            <option name="fencing" value="resource-and-stonith"/>\n            <option name="verify-alg" value="crc32c"/>\n        </section>\n        <section name="handlers">\n            <option name="split-brain" value="/usr/lib/drbd/notify-split-brain.sh root"/>\n            <option name="fence-peer" value="/usr/lib/drbd/crm-fence-peer.9.sh"/>\n        </section>\n    </common>`;
  return `<config file="/etc/drbd.conf">\n${common}\n${Array.from({ length: resources }, (_, i) => res(i)).join('\n')}\n</config>\n`;
}

async function once(texts: readonly string[], xml: string): Promise<{ ms: number; findings: number }> {
  const started = process.hrtime.bigint();
  const dump = await parseDumpXml(xml);
  const inputs: CheckInputs = {
    hostname: 'alpha',
    domains: texts.map((text, i) => readDomain({ path: `/etc/xen/auto/vm${i}.cfg`, text, autoStarted: true, autoName: `vm${i}.cfg` })),
    drbd: { ok: true, dump },
    policy: { path: '/etc/xen/xen-drbd.json', result: { ok: true, policy: DEFAULT_POLICY } },
    lvmConf: { path: '/etc/lvm/lvm.conf', text: 'devices {\n global_filter = [ "a|^/dev/drbd|", "r|.*|" ]\n}\n' },
    modprobe: [{ path: '/etc/modprobe.d/drbd.conf', text: 'options drbd disable_sendpage=1\n' }],
    schedules: [{ path: '/etc/cron.d/drbd-verify', text: '42 0 * * 0 root /sbin/drbdadm verify all\n' }],
    boot: {
      systemd: false,
      drbdInit: {
        path: '/etc/init.d/drbd',
        text: '### BEGIN INIT INFO\n# X-Start-Before: xendomains\n# X-Stop-After: xendomains\n### END INIT INFO\n',
      },
      xendomainsInit: undefined,
      xendomainsUnit: undefined,
      dropIn: undefined,
      enabledUnits: new Set(),
      rcStartLinks: new Set(['drbd']),
    },
    blockDrbdScript: {
      path: '/etc/xen/scripts/block-drbd',
      text: `${launcherBanner().replace(NAME_PLACEHOLDER, 'block-drbd')}\n"use strict";\n`,
    },
    xendomainsDefault: { path: '/etc/default/xendomains', text: 'XENDOMAINS_SAVE=""\n' },
    libvirt: undefined,
    peerAutoList: { path: '/root/peer-auto', entries: ['other.cfg'] },
  };
  const findings = runChecks(inputs).length;
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, findings };
}

async function main(): Promise<void> {
  const texts = Array.from({ length: CONFIGS }, (_, i) => config(i));
  const xml = dumpXml(CONFIGS);
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  await once(texts, xml); // warm-up: JIT and module loading are not what is measured
  const runs: number[] = [];
  let findings = 0;
  for (let r = 0; r < RUNS; r++) {
    const result = await once(texts, xml);
    runs.push(result.ms);
    findings = result.findings;
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  const lines = [
    '# check-configs: parse + lint 1,000 domain configs',
    '',
    `Command: \`${COMMAND}\``,
    '',
    `- configs: ${CONFIGS} (avg ${Math.round(bytes / CONFIGS)} bytes, ${texts[0]?.split('\n').length} lines, 2 DRBD disks each), DRBD dump-xml of ${CONFIGS} two-volume resources (${Math.round(xml.length / 1024)} KiB)`,
    `- each run: parse the dump-xml, parse every config as xl does, run every rule; ${findings} findings (the configs are clean)`,
    `- runs: ${RUNS} after one warm-up; **median ${median.toFixed(1)} ms** (${((median * 1000) / CONFIGS).toFixed(0)} µs per config); min ${sorted[0]?.toFixed(1)} ms, max ${sorted[sorted.length - 1]?.toFixed(1)} ms`,
    `- machine: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${new Date().toISOString().slice(0, 10)}`,
    '',
  ];
  writeFileSync(join(__dirname, 'results/check-configs.md'), lines.join('\n'));
  process.stdout.write(`${lines.join('\n')}`);
}

void main();
