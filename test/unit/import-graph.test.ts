// One place per thing: shared code lives in library modules (src/<domain>/), the executables under
// src/scripts/<x>/ only import downwards, and no two modules need each other. This reads the
// import statements of every src/**/*.ts and fails on an import cycle, or on an import into
// src/scripts/<x>/ from anywhere outside it.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

/** `import … from '…'`, `export … from '…'`, bare `import '…'` (also `import type`). */
const IMPORT = /^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The src/ file a relative specifier names, or undefined for packages, node: and non-.ts files. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function name(path: string): string {
  return relative(ROOT, path).split(sep).join('/');
}

/** Module → the src/ modules it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourcesUnder(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) => resolveImport(file, m[1] as string)).filter((t): t is string => t !== undefined);
    graph.set(name(file), [...new Set(targets.map(name))]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as `a → b → a`. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (node: string): void => {
    if (done.has(node)) return;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onStack.has(next)) found.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else visit(next);
    }
    stack.pop();
    onStack.delete(node);
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) visit(node);
  return found;
}

/** `src/scripts/<x>/` for a module inside an executable's folder, else undefined. */
function executableFolder(module: string): string | undefined {
  return /^(src\/scripts\/[^/]+\/)/.exec(module)?.[1];
}

function importsIntoExecutables(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const [module, targets] of graph) {
    for (const target of targets) {
      const folder = executableFolder(target);
      if (folder !== undefined && !module.startsWith(folder)) found.push(`${module} imports ${target}`);
    }
  }
  return found;
}

describe('imports among src/ modules', () => {
  const graph = importGraph();

  it('reads the imports it checks', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('src/scripts/block-drbd/main.ts')?.length).toBeGreaterThan(0);
  });

  it('form no cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('reach into an executable folder src/scripts/<x>/ only from inside it', () => {
    expect(importsIntoExecutables(graph)).toEqual([]);
  });
});
