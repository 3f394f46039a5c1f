// Which resources block-drbd promoted, kept under /run (gone at reboot, as DRBD's roles are).
// `add` writes the record before it promotes, so a SIGKILL at any later step still leaves the
// following `remove` (or `xen-drbd reconcile`) knowing the promotion was ours to undo.
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceName } from '../drbd/types';

export interface PromotionRecord {
  readonly resource: ResourceName;
  /** The backend whose `add` promoted it. */
  readonly backend: string;
  readonly at: string;
  /** allow-two-primaries was switched on at runtime for an incoming migration. */
  readonly dualPrimary: boolean;
  /** The promote command was stopped before it returned: DRBD may still complete the promotion. */
  readonly unfinished?: boolean;
}

export interface Ledger {
  read(name: ResourceName): PromotionRecord | undefined;
  write(record: PromotionRecord): void;
  clear(name: ResourceName): void;
}

export class FileLedger implements Ledger {
  constructor(private readonly dir: string) {}

  private path(name: ResourceName): string {
    return join(this.dir, `${name}.json`);
  }

  read(name: ResourceName): PromotionRecord | undefined {
    let text: string;
    try {
      text = readFileSync(this.path(name), 'utf8');
    } catch {
      return undefined;
    }
    try {
      return JSON.parse(text) as PromotionRecord;
    } catch {
      // A torn record still says "we promoted": keep the safe reading.
      return { resource: name, backend: 'unknown', at: 'unknown', dualPrimary: false };
    }
  }

  write(record: PromotionRecord): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.path(record.resource)}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(record)}\n`);
    renameSync(tmp, this.path(record.resource));
  }

  clear(name: ResourceName): void {
    try {
      unlinkSync(this.path(name));
    } catch {
      // already gone
    }
  }
}
