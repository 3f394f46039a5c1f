// Which resources block-drbd promoted, kept under /run (gone at reboot, as DRBD's roles are).
// `add` writes the record before it promotes, so a SIGKILL at any later step still leaves the
// following `remove` (or `xen-drbd reconcile`) knowing the promotion was ours to undo.
// Root writes it: the directory must be root's alone (ensureOwnedDir) and the record goes in
// through a fresh no-follow temp file; a record is read without following a link.
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceName } from '../drbd/types';
import { readNoFollow, replaceFile } from '../fs/no-follow';
import { ensureOwnedDir } from '../fs/owned-dir';

export interface PromotionRecord {
  readonly resource: ResourceName;
  /** The backend whose `add` promoted it. */
  readonly backend: string;
  readonly at: string;
  /** allow-two-primaries was switched on at runtime for an incoming migration. */
  readonly dualPrimary: boolean;
  /** The promote command was stopped before it returned: DRBD may still complete the promotion. */
  readonly unfinished?: boolean;
  /** Set when the file is not a record block-drbd wrote: what is wrong with it. */
  readonly problem?: string;
}

export interface Ledger {
  read(name: ResourceName): PromotionRecord | undefined;
  write(record: PromotionRecord): void;
  clear(name: ResourceName): void;
}

// A record is under 300 bytes; anything far bigger is not one.
const MAX_RECORD_BYTES = 64 * 1024;

export class FileLedger implements Ledger {
  constructor(private readonly dir: string) {}

  private path(name: ResourceName): string {
    return join(this.dir, `${name}.json`);
  }

  read(name: ResourceName): PromotionRecord | undefined {
    const path = this.path(name);
    let text: string;
    try {
      text = readNoFollow(path, MAX_RECORD_BYTES).toString('utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      return unreadable(name, code === 'ELOOP' ? `${path} is a symbolic link, not a record block-drbd wrote` : (e as Error).message);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // A torn record still says "we promoted": keep the safe reading.
      return unreadable(name, `${path} is not valid JSON`);
    }
    return isRecordOf(data, name) ? data : unreadable(name, `${path} holds JSON that is not a promotion record`);
  }

  write(record: PromotionRecord): void {
    ensureOwnedDir(this.dir, 0o755);
    replaceFile(this.path(record.resource), `${JSON.stringify(record)}\n`, 0o644);
  }

  clear(name: ResourceName): void {
    try {
      unlinkSync(this.path(name));
    } catch {
      // already gone
    }
  }
}

/** Anything in the ledger's place that is not our record still says "we promoted": the safe reading. */
function unreadable(name: ResourceName, what: string): PromotionRecord {
  return { resource: name, backend: 'unknown', at: 'unknown', dualPrimary: false, problem: `${what}; read as "promoted by block-drbd"` };
}

function isRecordOf(data: unknown, name: ResourceName): data is PromotionRecord {
  if (typeof data !== 'object' || data === null) return false;
  const r = data as Record<string, unknown>;
  return (
    r.resource === name &&
    typeof r.backend === 'string' &&
    typeof r.at === 'string' &&
    typeof r.dualPrimary === 'boolean' &&
    (r.unfinished === undefined || typeof r.unfinished === 'boolean') &&
    r.problem === undefined
  );
}
