// libvirt in a lab dom0 (a lab started with `libvirt: true`: build.sh's libvirt.cpio installed
// Debian's libvirtd, its Xen (libxl) driver and virsh over the dom0 root). Nothing starts it at
// boot: libvirtd looks for its hooks (/etc/libvirt/hooks/<driver>) only when it starts, so a
// scenario writes its hooks first (writeHook), then starts the daemon (startLibvirtd).
//
// The daemon runs with the libxl driver alone: libvirtd's default set includes the QEMU driver,
// which fails the daemon's start without the user Debian's libvirt-daemon-system makes ("Failed to
// parse user 'libvirt-qemu'"), so LIBVIRT_DRIVER_DIR points it at a directory holding only
// libvirt_driver_libxl.so. dom0 has no systemd and no D-Bus: libvirtd runs as a plain daemon,
// listening on its UNIX socket and, for migrations, on TCP on the replication address without
// authentication or TLS (a lab only: listen_tcp=1, auth_tcp="none", listen_tls=0).
import type { Host, RunOptions, RunResult } from './lab';
import { shq } from './drbd';

/** libvirtd's connection URI for the libxl driver, from dom0 itself. */
export const LOCAL_URI = 'xen:///system';
/** The libxl driver's module in Debian's libvirt-daemon-driver-xen. */
const LIBXL_DRIVER = '/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_libxl.so';
/** The directory libvirtd loads its drivers from here: the libxl driver alone. */
const DRIVER_DIR = '/run/lab-libvirt/drivers';
export const LIBVIRTD_PID = '/run/libvirtd.pid';
export const LIBVIRTD_LOG = '/var/log/libvirt/libvirtd.log';
/** The daemon's command line as the lab runs it (LIBVIRT_DRIVER_DIR in its environment). */
export const LIBVIRTD_CMD = `/usr/sbin/libvirtd --listen --daemon --pid-file=${LIBVIRTD_PID} --config=/etc/libvirt/libvirtd.conf`;

/** A host's libvirtd as another host reaches it (migrations): TCP on the replication network. */
export function tcpUri(h: Host): string {
  return `xen+tcp://${h.replIp}/system`;
}

/** libvirtd.conf for the lab: TCP on the replication address, no auth, no TLS; libxl and hooks logged. */
export function libvirtdConf(h: Host): string {
  return [
    '# the xen-drbd lab (test/lab/lib/libvirt.ts): a lab only, no authentication',
    'listen_tls = 0',
    'listen_tcp = 1',
    `listen_addr = "${h.replIp}"`,
    'auth_tcp = "none"',
    'auth_unix_rw = "none"',
    'auth_unix_ro = "none"',
    'log_filters = "1:libxl 1:hook"',
    `log_outputs = "1:file:${LIBVIRTD_LOG}"`,
    '',
  ].join('\n');
}

/** Writes /etc/libvirt/hooks/<driver> (e.g. 'libxl'); libvirtd must be (re)started afterwards to see a new hook. */
export async function writeHook(h: Host, driver: string, script: string): Promise<void> {
  await h.sh(`mkdir -p /etc/libvirt/hooks && cat > /etc/libvirt/hooks/${driver} && chmod 0755 /etc/libvirt/hooks/${driver}`, {
    stdin: script,
  });
}

/**
 * Starts libvirtd (libxl driver only) and waits until virsh gets an answer from it; returns how
 * long that took in ms. Stops a running one first.
 */
export async function startLibvirtd(h: Host, timeoutMs = 120_000): Promise<number> {
  await stopLibvirtd(h);
  await h.sh(
    [
      `mkdir -p ${DRIVER_DIR} /var/log/libvirt /etc/libvirt`,
      `ln -sf ${LIBXL_DRIVER} ${DRIVER_DIR}/`,
      `cat > /etc/libvirt/libvirtd.conf`,
    ].join(' && '),
    { stdin: libvirtdConf(h) },
  );
  const t0 = Date.now();
  // Daemonized, its output in the log: the agent's request must not wait for it.
  await h.sh(`cd / && LIBVIRT_DRIVER_DIR=${DRIVER_DIR} ${LIBVIRTD_CMD} </dev/null >>/var/log/libvirt/libvirtd.out 2>&1`, {
    timeoutMs: 60_000,
  });
  await h.waitFor(`virsh -c ${LOCAL_URI} version`, (r) => r.code === 0, timeoutMs, `libvirtd answers on ${h.name}`);
  return Date.now() - t0;
}

/** Stops the lab's libvirtd (SIGTERM, then SIGKILL after 15 s); running domains stay. */
export async function stopLibvirtd(h: Host): Promise<void> {
  await h.sh(
    `p=$(cat ${LIBVIRTD_PID} 2>/dev/null) || exit 0; kill "$p" 2>/dev/null || exit 0; ` +
      `for i in $(seq 150); do kill -0 "$p" 2>/dev/null || exit 0; sleep 0.1; done; kill -KILL "$p"; true`,
    { timeoutMs: 30_000 },
  );
}

/** Runs `virsh -c <uri> <args>` in dom0 (as a job: a start or a migration can take minutes). */
export async function virsh(h: Host, args: string, opts: RunOptions & { uri?: string } = {}): Promise<RunResult> {
  const { uri, ...rest } = opts;
  return h.run(`virsh -c ${shq(uri ?? LOCAL_URI)} ${args}`, { job: true, timeoutMs: 180_000, ...rest });
}

/**
 * A PV domain on one block disk, as the lab defines it for libvirt (the lab domU, re-reading its
 * disk every 2 s). `uuid`: the same on every host that defines it (a live migration refuses a
 * destination where the name is defined with another uuid); libvirt makes one up without it.
 */
export function domainXml(name: string, dev: string, uuid?: string): string {
  return `<domain type='xen'>
  <name>${name}</name>${uuid === undefined ? '' : `\n  <uuid>${uuid}</uuid>`}
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='xenpv'>linux</type>
    <kernel>/lab/domu/vmlinuz</kernel>
    <initrd>/lab/domu/initrd.cpio</initrd>
    <cmdline>console=hvc0 quiet xen_blkfront.feature_persistent=0 lab_action=verify lab_disks=xvda lab_poweroff=0 lab_then=watch</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='block' device='disk'>
      <driver name='phy'/>
      <source dev='${dev}'/>
      <target dev='xvda' bus='xen'/>
    </disk>
  </devices>
</domain>
`;
}

/** Waits until the guest has read its disk after tick `after`; returns the last tick seen. */
export async function waitGuestWatching(h: Host, name: string, after = 0, timeoutMs = 180_000): Promise<string> {
  const r = await h.waitFor(
    `cat /var/log/xen/console/guest-${name}.log 2>/dev/null`,
    (x) => [...x.stdout.matchAll(/op=watch sha256=\S+ rc=0 tick=(\d+)/g)].some((m) => Number(m[1]) > after),
    timeoutMs,
    `guest ${name} on ${h.name} reads its disk (tick > ${after})`,
  );
  const ticks = [...r.stdout.matchAll(/tick=(\d+)/g)].map((m) => Number(m[1]));
  return `tick ${Math.max(...ticks)}`;
}

export async function waitShutOff(h: Host, name: string, timeoutMs = 120_000): Promise<void> {
  await h.waitFor(`virsh -c ${LOCAL_URI} domstate ${name}`, (r) => /shut off/.test(r.stdout), timeoutMs, `${name} shut off on ${h.name}`);
  await h.waitFor(`xl domid ${name}`, (r) => r.code !== 0, 60_000, `${name} gone from xl on ${h.name}`);
}
