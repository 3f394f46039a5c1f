// Host trees for `xen-drbd check --root` and `boot-order --root`: a clean DRBD+Xen dom0 named
// alpha built from Debian's own files (test/support/debian.ts), and the same host with planted faults.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { debianText } from './debian';

export type TreeEntry = string | { readonly link: string } | { readonly text: string; readonly mode: number };
export type Tree = Record<string, TreeEntry>;

// Trees this module made are removed after the test file that asked for them.
const made: string[] = [];
afterAll(() => {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
});

export function writeTree(files: Tree, root?: string): string {
  if (root === undefined) {
    root = mkdtempSync(join(tmpdir(), 'xen-drbd-host-'));
    made.push(root);
  }
  for (const [path, entry] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof entry === 'string') writeFileSync(full, entry);
    else if ('link' in entry) symlinkSync(entry.link, full);
    else {
      writeFileSync(full, entry.text);
      chmodSync(full, entry.mode);
    }
  }
  return root;
}

export const GLOBAL_COMMON = `global { usage-count no; }
common {
  handlers {
    split-brain "/usr/lib/drbd/notify-split-brain.sh root";
    fence-peer "/usr/lib/drbd/crm-fence-peer.9.sh";
    unfence-peer "/usr/lib/drbd/crm-unfence-peer.9.sh";
  }
  net {
    protocol C;
    fencing resource-and-stonith;
    verify-alg crc32c;
    after-sb-0pri discard-zero-changes;
    after-sb-1pri discard-secondary;
    after-sb-2pri disconnect;
  }
}
`;

export const R0 = `resource r0 {
  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;
  on alpha { address 10.0.0.1:7789; node-id 0; }
  on bravo { address 10.0.0.2:7789; node-id 1; }
}
`;

export const R1 = `resource r1 {
  volume 0 { device /dev/drbd10; disk /dev/vg0/db; meta-disk internal; }
  volume 1 { device /dev/drbd11; disk /dev/vg0/db-log; meta-disk internal; }
  on alpha { address 10.0.0.1:7790; node-id 0; }
  on bravo { address 10.0.0.2:7790; node-id 1; }
}
`;

export const WEB_CFG = `name = "web"
memory = 1024
vcpus = 2
kernel = "/boot/vmlinuz-6.1.0-guest"
root = "/dev/xvda ro"
disk = [ 'drbd:r0,xvda,w' ]
vif = [ 'bridge=xenbr0' ]
`;

export const DB_CFG = `name = "db"
type = "pvh"
memory = 4096
kernel = "/boot/vmlinuz-6.1.0-guest"
disk = [
  'vdev=xvda,access=rw,script=block-drbd,target=r1/0',
  'vdev=xvdb,access=rw,script=block-drbd,target=r1/1',
]
`;

/** A clean sysvinit dom0 "alpha": every check passes. */
export function cleanHost(blockDrbd: string): Tree {
  return {
    'etc/drbd.conf': 'include "drbd.d/global_common.conf";\ninclude "drbd.d/*.res";\n',
    'etc/drbd.d/global_common.conf': GLOBAL_COMMON,
    'etc/drbd.d/r0.res': R0,
    'etc/drbd.d/r1.res': R1,
    'etc/xen/web.cfg': WEB_CFG,
    'etc/xen/db.cfg': DB_CFG,
    'etc/xen/auto/web.cfg': { link: '../web.cfg' },
    'etc/default/xendomains': 'XENDOMAINS_MIGRATE=""\nXENDOMAINS_SAVE=""\nXENDOMAINS_RESTORE=false\nXENDOMAINS_AUTO=/etc/xen/auto\n',
    'etc/lvm/lvm.conf': 'devices {\n\tglobal_filter = [ "a|^/dev/drbd|", "r|^/dev/sdb1$|" ]\n}\n',
    'etc/modprobe.d/drbd.conf': 'options drbd disable_sendpage=1\n',
    'etc/cron.d/drbd-verify': '42 0 * * 0 root /sbin/drbdadm verify all\n',
    'etc/init.d/drbd': { text: debianText('etc/init.d/drbd'), mode: 0o755 },
    'etc/init.d/xendomains': { text: debianText('etc/init.d/xendomains'), mode: 0o755 },
    'etc/rc2.d/S01drbd': { link: '../init.d/drbd' },
    'etc/rc2.d/S02xendomains': { link: '../init.d/xendomains' },
    'etc/xen/scripts/block-drbd': { text: blockDrbd, mode: 0o755 },
  };
}

/** The clean host with one planted fault per code in FAULT_CODES. */
export function faultyHost(blockDrbd: string): Tree {
  const tree: Tree = {
    ...cleanHost(blockDrbd),
    'etc/drbd.d/r2.res': R0.replace(/r0/g, 'r2')
      .replace(/drbd0/g, 'drbd2')
      .replace('/dev/sdb1', '/dev/sdc1')
      .replace(/7789/g, '7791')
      .replace('  device', '  net { protocol A; }\n  device'),
    'etc/drbd.d/r9.res': R0.replace(/r0/g, 'r9')
      .replace(/drbd0/g, 'drbd9')
      .replace(/alpha/g, 'charlie')
      .replace(/bravo/g, 'delta')
      .replace(/10\.0\.0\./g, '10.0.9.'),
    'etc/xen/app.cfg': 'name = "app"\nkernel = "/boot/vmlinuz"\nmemory = 512\ndisk = [ \'r2,xvda,w\' ]\n',
    'etc/xen/bad.cfg':
      "name = \"bad\"\nkernel = \"/boot/vmlinuz\"\ndisk = [ 'drbd:nosuch,xvda,w', 'drbd:r9,xvdb,w', 'drbd:r1,xvdc,w', 'drbd:r2,xvdd,w' ]\n",
    'etc/xen/auto/app.cfg': { link: '../app.cfg' },
    'etc/default/xendomains': debianText('etc/default/xendomains'),
    'etc/lvm/lvm.conf': debianText('etc/lvm/lvm.conf'),
    'etc/init.d/xendomains': {
      text: debianText('etc/init.d/xendomains').replace(/^(# Should-(Start|Stop):\s*)drbd /gm, '$1'),
      mode: 0o755,
    },
    'etc/xen/scripts/block-drbd': { text: debianText('etc/xen/scripts/block-drbd'), mode: 0o755 },
  };
  delete tree['etc/modprobe.d/drbd.conf'];
  delete tree['etc/cron.d/drbd-verify'];
  delete tree['etc/rc2.d/S01drbd'];
  return tree;
}

/** The peer starts web too. */
export const PEER_AUTO_LIST = 'web.cfg\nmail.cfg\n';
