// The environment variables that exist only for tests and benchmarks, read here and nowhere else.
// Each moves one place a root executable uses (a file, a directory, the tools it runs) so that the
// contract tests can run the built executables against a scratch directory and stand-in tools,
// and the SR benchmark can collect timings. libxl, xapi and admins set none of them.
//
// The rule, for executables that run as root:
// - Nothing is honoured unless XEN_DRBD_TEST_SEAMS=1 is set too: a variable left over in an
//   admin's shell (or kept by sudo) never moves a production run. Without the switch every seam
//   reads as unset and the executables use the host's own places.
// - With it, every value must be an absolute path (a list of them for the PATH prefix), with no
//   control characters: an empty or relative PATH entry would make root run a program from
//   whatever its current directory is. One unsafe value refuses them all (UnsafeTestSeam), so
//   a test never half-runs against the real host.
// - A seam only says where something is. None changes a decision, a limit or a default of the
//   policy, and the PATH prefix goes in front of the fixed PATH, which stays, as the C locale does.
// Not a privilege boundary: whoever sets the environment of a root process already controls it
// (Node itself honours NODE_OPTIONS); the rule keeps a test setting out of real runs.

export const SEAMS_SWITCH = 'XEN_DRBD_TEST_SEAMS';

type SeamKind = 'path' | 'path-list';

/** Every seam: its variable, the kind of value it takes, and what it moves. */
export const TEST_SEAMS = {
  pathPrefix: {
    variable: 'XEN_DRBD_PATH_PREFIX',
    kind: 'path-list',
    moves: 'directories searched before the fixed PATH for every child process',
  },
  drbdsetup84: {
    variable: 'XEN_DRBD_DRBDSETUP84',
    kind: 'path',
    moves: "DRBD 8.4's drbdsetup (instead of /lib/drbd/drbdsetup-84 and /usr/lib/drbd/drbdsetup-84)",
  },
  devDir: { variable: 'XEN_DRBD_DEV_DIR', kind: 'path', moves: "the directory of DRBD's device nodes (/dev)" },
  procDrbd: { variable: 'XEN_DRBD_PROC_DRBD', kind: 'path', moves: '/proc/drbd' },
  hotplugLockDir: { variable: 'XEN_HOTPLUG_LOCK_DIR', kind: 'path', moves: "Xen's hotplug lock directory (/var/run/xen-hotplug)" },
  hotplugLog: { variable: 'XEN_HOTPLUG_LOG', kind: 'path', moves: '/var/log/xen/xen-hotplug.log' },
  hookLog: { variable: 'XEN_DRBD_HOOK_LOG', kind: 'path', moves: "the libvirt hook's log (/var/log/libvirt/xen-drbd-hook.log)" },
  ledgerDir: { variable: 'XEN_DRBD_LEDGER_DIR', kind: 'path', moves: 'the promotion ledger (/run/xen-drbd/promoted)' },
  policy: { variable: 'XEN_DRBD_POLICY', kind: 'path', moves: 'the policy file (/etc/xen/xen-drbd.json)' },
  xapiSocket: { variable: 'XEN_DRBD_XAPI_SOCKET', kind: 'path', moves: "xapi's socket (/var/lib/xcp/xapi)" },
  smLockDir: { variable: 'XEN_DRBD_SM_LOCK_DIR', kind: 'path', moves: 'the SR lock directory (/var/lock/sm)' },
  smBackendDir: { variable: 'XEN_DRBD_SM_BACKEND_DIR', kind: 'path', moves: 'the tapdisk node directory (/dev/sm/backend)' },
  libvirtBinding: {
    variable: 'XEN_DRBD_LIBVIRT_BINDING',
    kind: 'path',
    moves: 'the libvirt binding (/usr/lib/xen-drbd/node_modules/@unraid/libvirt)',
  },
  libvirtTestNode: {
    variable: 'XEN_DRBD_LIBVIRT_TEST_NODE',
    kind: 'path',
    moves: "libvirt's daemons (the sockets in /run/libvirt): libvirt's own test driver on this node file, test:///PATH",
  },
  timings: {
    variable: 'DRBDLVM_TIMINGS',
    kind: 'path',
    moves: "nothing: the SR driver appends its children's and XenAPI calls' times to this file",
  },
} as const satisfies Record<string, { variable: string; kind: SeamKind; moves: string }>;

export type SeamName = keyof typeof TEST_SEAMS;
export type TestSeams = { readonly [N in SeamName]?: string };

export class UnsafeTestSeam extends Error {
  override readonly name = 'UnsafeTestSeam';
}

// Absolute, and nothing a terminal, a log line or a PATH list could misread.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SAFE_PATH = /^\/[^\x00-\x1f\x7f]*$/;

/** The seams set in `env`, checked; none at all without SEAMS_SWITCH=1. An empty variable is unset. */
export function testSeams(env: NodeJS.ProcessEnv): TestSeams {
  if (env[SEAMS_SWITCH] !== '1') return {};
  const seams: { [N in SeamName]?: string } = {};
  for (const [name, seam] of Object.entries(TEST_SEAMS) as Array<[SeamName, (typeof TEST_SEAMS)[SeamName]]>) {
    const value = env[seam.variable];
    if (value === undefined || value === '') continue;
    const paths = seam.kind === 'path-list' ? value.split(':') : [value];
    const bad = paths.find((p) => !SAFE_PATH.test(p));
    if (bad !== undefined) {
      throw new UnsafeTestSeam(
        `${seam.variable}=${JSON.stringify(value)}: ${JSON.stringify(bad)} is not an absolute path; test seams take absolute paths only`,
      );
    }
    seams[name] = value;
  }
  return seams;
}
