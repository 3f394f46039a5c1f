// The bytes behind a plan entry: a built executable, a file of the source tree, or a man page
// rendered and gzipped (-9, no name or time in the header, so builds are reproducible).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MAN_PAGES } from '../help/pages';
import { pageRoff } from '../help/roff';
import type { PlanEntry } from './plan';

export interface Origin {
  /** The directory holding the built executables (dist/). */
  readonly dist: string;
  /** The source tree's root (packaging/ and package.json). */
  readonly repo: string;
  readonly version: string;
  /** The man pages' date, YYYY-MM-DD. */
  readonly date: string;
}

export type Content = { readonly kind: 'file'; readonly bytes: Buffer } | { readonly kind: 'symlink'; readonly target: string };

export function contentOf(entry: PlanEntry, origin: Origin): Content {
  const s = entry.source;
  switch (s.kind) {
    case 'dist':
      return { kind: 'file', bytes: readFileSync(join(origin.dist, s.name)) };
    case 'repo':
      return { kind: 'file', bytes: readFileSync(join(origin.repo, s.path)) };
    case 'man':
      return { kind: 'file', bytes: gzipSync(pageRoff(MAN_PAGES[s.page], origin.version, origin.date), { level: 9 }) };
    case 'symlink':
      return { kind: 'symlink', target: s.target };
    default:
      return s satisfies never;
  }
}

/** The source tree's version and a date: SOURCE_DATE_EPOCH when set (reproducible builds), else today. */
export function originFor(dist: string, repo: string, env: NodeJS.ProcessEnv): Origin {
  const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
  const epoch = env.SOURCE_DATE_EPOCH;
  const when = epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return { dist, repo, version, date: when.toISOString().slice(0, 10) };
}

/** Plan sources that are not there (an unbuilt dist/, a tree without packaging/): checked before any step runs. */
export function missingSources(plan: readonly PlanEntry[], origin: Origin): string[] {
  return plan.flatMap((e) => {
    const s = e.source;
    if (s.kind === 'dist') return existsSync(join(origin.dist, s.name)) ? [] : [join(origin.dist, s.name)];
    if (s.kind === 'repo') return existsSync(join(origin.repo, s.path)) ? [] : [join(origin.repo, s.path)];
    return [];
  });
}
