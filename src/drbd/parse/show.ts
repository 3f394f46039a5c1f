// `drbdsetup show RES`: the running configuration, which is where a runtime
// `net-options --allow-two-primaries=yes` shows (the config file does not change).
import { DrbdParseError } from './states';
import { allowsTwoPrimaries } from './two-primaries';

/**
 * Checks that a `drbdsetup show NAME` output describes NAME and nothing else: 8.4's show also takes a
 * minor and `all`, so an output that describes anything else is not this resource's (8.4 prints
 * `resource r0 {`, 9 `resource "r0" {`).
 */
export function requireShowOf(show: string, name: string): void {
  const headers = [...show.matchAll(/^resource\s+"?([^"\s]+)"?\s*\{/gm)];
  const [only, ...more] = headers;
  if (only === undefined || more.length > 0 || only[1] !== name) {
    const seen = headers.map((h) => h[1]).join(', ') || 'no resource';
    throw new DrbdParseError(`drbdsetup show ${name}: expected resource ${name} alone, got ${seen}`);
  }
}

/** Whether allow-two-primaries is on in resource NAME's running configuration. */
export function twoPrimariesRunning(show: string, name: string): boolean {
  requireShowOf(show, name);
  return allowsTwoPrimaries(show);
}

/** `drbdadm sh-resources`: every resource configured for this host, space-separated. */
export function parseShResources(stdout: string): string[] {
  return stdout.split(/\s+/).filter((n) => n !== '');
}

/** What DRBD 8.4's kernel holds for one resource: enough to address it with drbdsetup alone. */
export interface RunningResource {
  /** In volume order. */
  readonly volumes: ReadonlyArray<{ readonly volume: number; readonly minor: number }>;
  /** drbdsetup's connection arguments (`ipv4:10.99.0.1:7789`): 8.4 names a connection by its two ends. */
  readonly thisAddress?: string;
  readonly peerAddress?: string;
}

/**
 * 8.4's `drbdsetup show RES`: volumes and minors from `_this_host`, both addresses. Nothing here
 * comes from the config files, so it describes the resource as the kernel runs it.
 */
export function parseRunningResource(show: string, name: string): RunningResource {
  requireShowOf(show, name);
  const section = (name: string): string | undefined => {
    const start = show.search(new RegExp(`^\\s*${name}\\s*\\{`, 'm'));
    return start < 0 ? undefined : show.slice(start);
  };
  const address = (text: string | undefined): string | undefined => {
    const m = text === undefined ? null : /^\s*address\s+(ipv4|ipv6|ssocks|sdp)\s+(\S+?)\s*;/m.exec(text);
    return m === null ? undefined : `${m[1]}:${m[2]}`;
  };
  const thisHost = section('_this_host');
  if (thisHost === undefined) throw new DrbdParseError('drbdsetup show: no _this_host section');
  const volumes = [...thisHost.matchAll(/^\s*volume\s+(\d+)\s*\{\s*device\s+minor\s+(\d+)\s*;/gm)].map((m) => ({
    volume: Number(m[1]),
    minor: Number(m[2]),
  }));
  if (volumes.length === 0) throw new DrbdParseError('drbdsetup show: no volume with a device minor');
  return { volumes, thisAddress: address(thisHost), peerAddress: address(section('_remote_host')) };
}
