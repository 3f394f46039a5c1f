// The XCP-ng backend: one tapdisk per active VDI, as blktap2 runs them for LVHD (docs/smapi.md §13).
// vdi_attach answers <backendDir>/<sr>/<vdi>; vdi_activate starts the tapdisk on the LV and points
// that path at its device; vdi_deactivate stops it. blktap2 mknods a node with the tapdev's numbers
// where this makes a symlink (xenopsd and tapback stat through it): unproven on XCP-ng until the
// lab has one. Unit-tested on argv and recorded-format output only.
import { readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeFailure, succeeded, type Runner } from '../../exec/run';
import { ensureOwnedDir } from '../../fs/owned-dir';
import { srError } from '../errors';
import type { Uuid } from '../layout';
import type { BlockBackendPort } from '../ports';
import { parseCreated, parseTapList, tapArgv, type TapEntry } from './tap-ctl';

const TAP_CTL_MAX_MS = 30_000;

export class Tapdisk implements BlockBackendPort {
  constructor(
    private readonly run: Runner,
    private readonly backendDir: string,
  ) {}

  params(srUuid: Uuid, vdiUuid: Uuid): string {
    return join(this.backendDir, srUuid, vdiUuid);
  }

  /** Idempotent: a tapdisk already serving the LV (an activate retried after a crash) is kept. */
  async open(srUuid: Uuid, vdiUuid: Uuid, lvPath: string, writable: boolean): Promise<void> {
    const running = await this.list(lvPath);
    let device: string;
    if (running[0] !== undefined) {
      device = `/dev/xen/blktap-2/tapdev${running[0].minor}`;
    } else {
      const r = await this.run(tapArgv.create(lvPath, writable), { timeoutMs: TAP_CTL_MAX_MS });
      const created = succeeded(r) ? parseCreated(r.stdout) : undefined;
      if (created === undefined) throw srError('TapdiskFailed', `starting a tapdisk on ${lvPath}: ${failureText(r)}`);
      device = created;
    }
    const link = this.params(srUuid, vdiUuid);
    ensureOwnedDir(dirname(link), 0o755);
    if (currentTarget(link) !== device) {
      rmSync(link, { force: true });
      symlinkSync(device, link);
    }
  }

  /** Idempotent: nothing running is success (a deactivate retried after a crash). */
  async close(srUuid: Uuid, vdiUuid: Uuid, lvPath: string): Promise<void> {
    for (const e of await this.list(lvPath)) {
      const r = await this.run(tapArgv.destroy(e), { timeoutMs: TAP_CTL_MAX_MS });
      if (!succeeded(r)) throw srError('TapdiskFailed', `stopping tapdisk ${e.pid} (minor ${e.minor}) on ${lvPath}: ${failureText(r)}`);
    }
    rmSync(this.params(srUuid, vdiUuid), { force: true });
  }

  private async list(lvPath: string): Promise<TapEntry[]> {
    const r = await this.run(tapArgv.list(lvPath), { timeoutMs: TAP_CTL_MAX_MS });
    if (!succeeded(r)) throw srError('TapdiskFailed', `listing tapdisks: ${failureText(r)}`);
    // -f filters on the path already; the check keeps an older tap-ctl without -f honest.
    return parseTapList(r.stdout).filter((e) => e.path === lvPath);
  }
}

function currentTarget(link: string): string | undefined {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}

function failureText(r: Parameters<typeof describeFailure>[0]): string {
  const said = r.stderr.trim();
  return said === '' ? describeFailure(r) : `${describeFailure(r)}: ${said}`;
}
