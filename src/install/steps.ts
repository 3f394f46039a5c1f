// What `xen-drbd install` and `uninstall` do to a root, decided from what is there: pure, so the
// dry run prints exactly what the real run does. A file found where ours goes (Debian's block-drbd
// from drbd-utils) is kept beside it as PATH.xen-drbd-orig and put back by uninstall.
import { describeEntry, type Layout, type PlanEntry } from './plan';

export const KEPT_SUFFIX = '.xen-drbd-orig';

export interface ManifestEntry {
  readonly path: string;
  /** Where the file found at `path` before the first install was kept. */
  readonly kept?: string;
}

export interface Manifest {
  readonly layout: Layout;
  readonly entries: readonly ManifestEntry[];
  /** Directories the install created, parents first; uninstall removes them when empty. */
  readonly createdDirs: readonly string[];
}

export type PathKind = 'absent' | 'file' | 'symlink' | 'directory' | 'other';

export interface InstallObserved {
  /** What is at a path under the root (plan paths and their PATH.xen-drbd-orig). */
  readonly kind: (path: string) => PathKind;
  readonly manifest: Manifest | undefined;
}

export type Step =
  | { readonly kind: 'keep'; readonly path: string; readonly to: string }
  | { readonly kind: 'put'; readonly entry: PlanEntry }
  | { readonly kind: 'remove'; readonly path: string }
  | { readonly kind: 'restore'; readonly from: string; readonly path: string };

export type InstallDecision =
  { readonly ok: true; readonly steps: readonly Step[]; readonly manifest: Manifest } | { readonly ok: false; readonly error: string };

export function installSteps(layout: Layout, plan: readonly PlanEntry[], o: InstallObserved): InstallDecision {
  const previous = new Map((o.manifest?.entries ?? []).map((e) => [e.path, e]));
  const steps: Step[] = [];
  const entries: ManifestEntry[] = [];
  // Left over from an earlier install with another layout or version: take it back first.
  for (const e of [...previous.values()].reverse()) {
    if (!plan.some((p) => p.path === e.path)) steps.push(...undoEntry(e));
  }
  for (const entry of plan) {
    const kind = o.kind(entry.path);
    if (kind === 'directory' || kind === 'other') return { ok: false, error: `${entry.path} is a ${kind}, not a file: not replacing it` };
    const mine = previous.get(entry.path);
    if (mine !== undefined) {
      entries.push(mine);
    } else if (kind !== 'absent') {
      const to = entry.path + KEPT_SUFFIX;
      if (o.kind(to) !== 'absent')
        return { ok: false, error: `${entry.path} is not ours and ${to} already exists: move one of them away first` };
      steps.push({ kind: 'keep', path: entry.path, to });
      entries.push({ path: entry.path, kept: to });
    } else {
      entries.push({ path: entry.path });
    }
    steps.push({ kind: 'put', entry });
  }
  return { ok: true, steps, manifest: { layout, entries, createdDirs: o.manifest?.createdDirs ?? [] } };
}

export function uninstallSteps(manifest: Manifest): Step[] {
  return [...manifest.entries].reverse().flatMap(undoEntry);
}

function undoEntry(e: ManifestEntry): Step[] {
  return [{ kind: 'remove', path: e.path }, ...(e.kept === undefined ? [] : [{ kind: 'restore' as const, from: e.kept, path: e.path }])];
}

export function describeStep(s: Step): string {
  switch (s.kind) {
    case 'keep':
      return `keep ${s.path} as ${s.to}`;
    case 'put':
      return `install ${describeEntry(s.entry)}`;
    case 'remove':
      return `remove ${s.path}`;
    case 'restore':
      return `restore ${s.path} from ${s.from}`;
    default:
      return s satisfies never;
  }
}
