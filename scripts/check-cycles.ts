// Finds import cycles in src/ (madge --circular, without the dependency): walks every .ts/.tsx
// file's imports and re-exports, `import type` included (a type cycle still ties two layers
// together), resolves relative paths and the `@/` alias, and reports each cycle once.
// Usage: npx tsx scripts/check-cycles.ts [dir]   (exit code 1 when there is a cycle)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');
const project = process.cwd();
const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = spec.startsWith('@/') ? join(project, spec.slice(2)) : spec.startsWith('.') ? resolve(dirname(from), spec) : undefined;
  if (!base) return undefined; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const graph = new Map<string, string[]>();
for (const file of files(root)) {
  const text = readFileSync(file, 'utf8');
  const deps = new Set<string>();
  for (const m of text.matchAll(IMPORT)) {
    const target = resolveImport(file, m[1]!);
    if (target) deps.add(target);
  }
  graph.set(file, [...deps]);
}

// Tarjan-free DFS: a back edge to a file on the current path closes a cycle.
const cycles = new Map<string, string[]>();
const state = new Map<string, 'open' | 'done'>();
const path: string[] = [];
function visit(file: string): void {
  state.set(file, 'open');
  path.push(file);
  for (const dep of graph.get(file) ?? []) {
    if (state.get(dep) === 'open') {
      const cycle = path.slice(path.indexOf(dep));
      const start = cycle.indexOf([...cycle].sort()[0]!);
      const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
      cycles.set(canonical.join('>'), canonical);
    } else if (!state.has(dep)) visit(dep);
  }
  path.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

const rel = (f: string) => relative(project, f);
if (cycles.size === 0) {
  console.log(`No import cycles among ${graph.size} files under ${rel(root) || '.'}.`);
} else {
  console.log(`${cycles.size} import cycle(s) under ${rel(root) || '.'}:`);
  for (const cycle of cycles.values()) console.log(`  ${[...cycle, cycle[0]!].map(rel).join(' -> ')}`);
  process.exitCode = 1;
}
