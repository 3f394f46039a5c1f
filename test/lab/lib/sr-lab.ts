// The drbdlvm SR on the lab's two dom0s: test/support/sr-sequencer.ts drives the built driver
// (/lab/dist/DrbdlvmSR, copied into each dom0 at boot) on real DRBD 8.4 and real LVM. xapi is the
// XenAPI simulator in the runner (test/support/xapi-sim.ts, also on a TCP port). Each dom0 reaches
// it at the driver's default /var/lib/xcp/xapi: a socat bridge to 10.0.2.100:80, which qemu's
// guestfwd (LabOptions.xapiPort) forwards to the simulator, since restrict=on blocks anything else.
import { decodeMethodResponse } from '../../../src/xapi-sr/xmlrpc-decode';
import { encodeMethodCall } from '../../../src/xapi-sr/xmlrpc-encode';
import { driverParams, poolDb, type CallOptions, type DriverPool, type HostName, type Step } from '../../support/sr-pool';
import { startXapiSim, type XapiSim } from '../../support/xapi-sim';
import type { Lab } from './lab';

/** xapi's PATH for its plugins (research §1.1): nothing else in the driver's environment but ORIGINATOR. */
const XAPI_PATH = '/sbin:/usr/sbin:/bin:/usr/bin';

export class LabSrPool implements DriverPool {
  readonly steps: Step[] = [];
  private lab: Lab | undefined;
  private constructor(readonly sim: XapiSim) {}

  static async start(): Promise<LabSrPool> {
    return new LabSrPool(await startXapiSim(poolDb(), { tcp: true }));
  }

  /** The simulator's TCP port, for LabOptions.xapiPort. */
  get port(): number {
    if (this.sim.tcpPort === undefined) throw new Error('the XenAPI simulator is not listening on TCP');
    return this.sim.tcpPort;
  }

  /**
   * Bridges each dom0's /var/lib/xcp/xapi to the simulator and collects the driver's syslog lines
   * (logger, facility local2) in /var/log/SMlog: dom0 runs no syslog daemon.
   */
  async connect(lab: Lab): Promise<void> {
    this.lab = lab;
    await Promise.all(
      Object.values(lab.hosts).map(async (h) => {
        await h.sh(
          'mkdir -p /var/lib/xcp && ' +
            '(setsid nohup socat UNIX-LISTEN:/var/lib/xcp/xapi,fork,unlink-early TCP:10.0.2.100:80 >>/var/log/lab/xapi-bridge.log 2>&1 &) && ' +
            '(setsid nohup socat -u UNIX-RECV:/dev/log,unlink-early OPEN:/var/log/SMlog,creat,append >>/var/log/lab/smlog.log 2>&1 &)',
        );
        // The bridge end to end: one HTTP request through both socats and qemu reaches the simulator.
        await h.waitFor(
          `printf 'GET /nothing HTTP/1.0\\r\\n\\r\\n' | socat - UNIX-CONNECT:/var/lib/xcp/xapi`,
          (r) => /^HTTP\/1\.[01] 404/.test(r.stdout),
          30_000,
          'the XenAPI simulator through /var/lib/xcp/xapi',
        );
      }),
    );
  }

  /** One driver call on host h as xapi makes it: the methodCall in argv[1], stdin closed. */
  async call(h: HostName, command: string, o: CallOptions = {}): Promise<Step> {
    if (this.lab === undefined) throw new Error('LabSrPool.connect(lab) first');
    const xml = encodeMethodCall(command, [driverParams(this.sim, h, command, o)], 'xapi');
    // The call goes over the agent's stdin into a file: argv[1] is too long for a command line.
    const r = await this.lab.hosts[h].run(
      'f=$(mktemp /tmp/sm-call.XXXXXX) && cat > "$f" && ' +
        `env -i PATH=${XAPI_PATH} ORIGINATOR=SM /lab/dist/DrbdlvmSR "$(cat "$f")" </dev/null; rc=$?; rm -f "$f"; exit $rc`,
      { stdin: xml, timeoutMs: 120_000 },
    );
    if (r.code !== 0 || r.stderr !== '') throw new Error(`DrbdlvmSR ${command} on ${h}: exit ${r.code}, stderr ${r.stderr}, stdout ${r.stdout}`);
    const step: Step = { host: h, command, response: await decodeMethodResponse(r.stdout) };
    this.steps.push(step);
    return step;
  }

  stop(): Promise<void> {
    return this.sim.close();
  }
}
