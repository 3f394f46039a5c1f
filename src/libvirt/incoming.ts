// libvirt's `migrate begin` on a live migration's destination comes with no domain XML (lab
// capture, test/fixtures/libvirt/lab-9.0.0: 0 bytes on stdin), and a hook failing there leaves the
// source's migration job stuck ("cannot acquire state change lock"). So `migrate` only marks the
// domain as arriving; its `prepare`, a second later with the XML, takes the mark and claims the
// disks as the incoming migration's. A mark is the time it was made, in a root-owned directory
// under /run, one file per domain named by a hash (a domain name may hold any character but '/').
import { createHash } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readNoFollow, replaceFile } from '../fs/no-follow';
import { ensureOwnedDir } from '../fs/owned-dir';

/** A mark older than this is a migration that never reached `prepare`: not taken. */
export const INCOMING_MAX_AGE_MS = 10 * 60_000;

export interface IncomingMarks {
  mark(holder: string): void;
  /** Whether a fresh mark was there; the mark is gone afterwards either way. */
  take(holder: string): boolean;
}

export class FileIncomingMarks implements IncomingMarks {
  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  private path(holder: string): string {
    return join(this.dir, createHash('sha256').update(holder).digest('hex'));
  }

  mark(holder: string): void {
    ensureOwnedDir(this.dir, 0o755);
    replaceFile(this.path(holder), `${this.now()} ${holder}\n`, 0o644);
  }

  take(holder: string): boolean {
    const path = this.path(holder);
    let text: string;
    try {
      text = readNoFollow(path, 4096).toString('utf8');
    } catch {
      return false; // none (or not a file we wrote): no migration announced
    }
    try {
      unlinkSync(path);
    } catch {
      // gone meanwhile
    }
    const at = Number(text.split(' ')[0]);
    return text.slice(text.indexOf(' ') + 1).trimEnd() === holder && Number.isFinite(at) && this.now() - at <= INCOMING_MAX_AGE_MS;
  }
}
