// Small helpers for benchmarks: repeated timing with median and spread, and a printed table with
// ratios against a baseline measured in the same run.
export interface Sample {
  name: string;
  median: number;
  min: number;
  max: number;
  unit: string;
  runs: number;
  /** Printed after the ratio (e.g. a goal and whether it is met). */
  note?: string;
}

export async function measure(name: string, runs: number, fn: () => Promise<unknown>, unit = 'ms'): Promise<Sample> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return fromValues(name, times, unit);
}

export function value(name: string, v: number, unit: string): Sample {
  return { name, median: v, min: v, max: v, unit, runs: 1 };
}

/** Median of a non-empty list (the upper middle one for an even count, as measure() does). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A sample from values measured elsewhere (in a page, from receipts, ...). */
export function fromValues(name: string, values: readonly number[], unit: string): Sample {
  if (values.length === 0) throw new Error(`${name}: no values`);
  const sorted = [...values].sort((a, b) => a - b);
  return { name, median: median(sorted), min: sorted[0]!, max: sorted[sorted.length - 1]!, unit, runs: sorted.length };
}

/** Throughput of `count` operations that took `ms` in all, in operations per second (higher is better). */
export function throughput(name: string, count: number, ms: number, unit = 'calls/s'): Sample {
  return value(name, (count * 1000) / ms, unit);
}

/** Adds a goal to a sample: "goal <= 1.30x baseline: met / MISSED" (lower is better unless `higherIsBetter`). */
export function withGoal(sample: Sample, baseline: Sample, goalRatio: number, higherIsBetter = false): Sample {
  const ratio = sample.median / baseline.median;
  const met = higherIsBetter ? ratio >= goalRatio : ratio <= goalRatio;
  return { ...sample, note: `goal ${higherIsBetter ? '>=' : '<='} ${goalRatio.toFixed(2)}x: ${met ? 'met' : 'MISSED'}` };
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** Prints rows as "name  median (min-max) unit  ratio x baseline". */
export function report(title: string, baseline: Sample, rows: Sample[]): void {
  console.log(`\n${title}`);
  const width = Math.max(...[baseline, ...rows].map((r) => r.name.length));
  for (const r of [baseline, ...rows]) {
    const spread = r.runs > 1 ? ` (${fmt(r.min)}-${fmt(r.max)}, n=${r.runs})` : '';
    const ratio = r === baseline ? 'baseline' : `${(r.median / baseline.median).toFixed(2)}x baseline`;
    console.log(`  ${r.name.padEnd(width)}  ${fmt(r.median).padStart(9)} ${r.unit}${spread}  ${ratio}${r.note ? `  ${r.note}` : ''}`);
  }
}

/**
 * Things a benchmark started, stopped in reverse order even when the benchmark fails. Every
 * step runs; the first failure of a step is rethrown after all of them have run.
 */
export class Cleanup {
  private readonly steps: { what: string; fn: () => Promise<unknown> | unknown }[] = [];

  defer(what: string, fn: () => Promise<unknown> | unknown): void {
    this.steps.push({ what, fn });
  }

  async run(): Promise<void> {
    let first: unknown;
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.fn();
      } catch (error) {
        console.error(`cleanup: ${step.what} failed: ${(error as Error).message ?? error}`);
        first ??= error;
      }
    }
    if (first !== undefined) throw first;
  }
}

/** A benchmark's own check: a violation fails `npm run bench` (non-zero exit). */
export class BenchAssertionError extends Error {
  override name = 'BenchAssertionError';
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BenchAssertionError(message);
}
