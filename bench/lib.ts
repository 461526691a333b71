// Small helpers for benchmarks: repeated timing with median and spread, and a printed table with
// ratios against a baseline measured in the same run.
export interface Sample {
  name: string;
  median: number;
  min: number;
  max: number;
  unit: string;
  runs: number;
}

export async function measure(name: string, runs: number, fn: () => Promise<unknown>, unit = 'ms'): Promise<Sample> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name, median: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times[times.length - 1]!, unit, runs };
}

export function value(name: string, v: number, unit: string): Sample {
  return { name, median: v, min: v, max: v, unit, runs: 1 };
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** Prints rows as "name  median (min-max) unit  ratio x baseline". */
export function report(title: string, baseline: Sample, rows: Sample[]): void {
  console.log(`\n${title}`);
  const width = Math.max(...[baseline, ...rows].map((r) => r.name.length));
  for (const r of [baseline, ...rows]) {
    const spread = r.runs > 1 ? ` (${fmt(r.min)}-${fmt(r.max)}, n=${r.runs})` : '';
    const ratio = r === baseline ? 'baseline' : `${(r.median / baseline.median).toFixed(2)}x baseline`;
    console.log(`  ${r.name.padEnd(width)}  ${fmt(r.median).padStart(9)} ${r.unit}${spread}  ${ratio}`);
  }
}
