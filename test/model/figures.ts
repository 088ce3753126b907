/** Counters of one history: steps run, faults injected, invariant checks made. */
export class HistoryStats {
  public readonly counters = new Map<string, number>();

  public count(what: string, n = 1): void {
    if (n === 0) return;
    this.counters.set(what, (this.counters.get(what) ?? 0) + n);
  }

  public step(kind: string): void {
    this.count(`step: ${kind}`);
  }

  public check(invariant: string): void {
    this.count(`check: ${invariant}`);
  }

  public fault(kind: string, n = 1): void {
    this.count(`fault: ${kind}`, n);
  }
}

export interface FiguresJson {
  histories: number;
  shrinkRuns: number;
  durationsMs: number[];
  counters: Array<[string, number]>;
}

/** Everything a run of many histories reports, mergeable across worker processes. */
export class Figures {
  public static fromJSON(json: FiguresJson): Figures {
    const figures = new Figures();
    figures.merge(json);
    return figures;
  }

  public histories = 0;
  /** Histories run while shrinking a failure (not counted in `histories`). */
  public shrinkRuns = 0;
  public readonly durationsMs: number[] = [];
  public readonly counters = new Map<string, number>();

  public add(stats: HistoryStats, durationMs: number, shrinking: boolean): void {
    if (shrinking) {
      this.shrinkRuns++;
      return;
    }
    this.histories++;
    this.durationsMs.push(durationMs);
    for (const [key, n] of stats.counters) this.counters.set(key, (this.counters.get(key) ?? 0) + n);
  }

  public merge(json: FiguresJson): void {
    this.histories += json.histories;
    this.shrinkRuns += json.shrinkRuns;
    this.durationsMs.push(...json.durationsMs);
    for (const [key, n] of json.counters) this.counters.set(key, (this.counters.get(key) ?? 0) + n);
  }

  public toJSON(): FiguresJson {
    return { histories: this.histories, shrinkRuns: this.shrinkRuns, durationsMs: this.durationsMs, counters: [...this.counters] };
  }

  public total(prefix: string): number {
    return [...this.counters].filter(([key]) => key.startsWith(prefix)).reduce((sum, [, n]) => sum + n, 0);
  }

  public render(wallMs?: number): string {
    const sorted = [...this.durationsMs].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
    const mean = sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const section = (title: string, prefix: string) => {
      const rows = [...this.counters].filter(([key]) => key.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b));
      return [`${title}: ${rows.reduce((sum, [, n]) => sum + n, 0)}`, ...rows.map(([key, n]) => `    ${String(n).padStart(7)}  ${key.slice(prefix.length)}`)];
    };
    const other = [...this.counters].filter(([key]) => !/^(step|check|fault): /.test(key)).sort(([a], [b]) => a.localeCompare(b));
    return [
      `histories run: ${this.histories}${this.shrinkRuns > 0 ? ` (plus ${this.shrinkRuns} while shrinking)` : ''}`,
      `time per history: mean ${s(mean)}, median ${s(at(0.5))}, p95 ${s(at(0.95))}, max ${s(at(1))}${wallMs !== undefined ? `; wall time ${s(wallMs)}` : ''}`,
      ...section('steps', 'step: '),
      ...section('faults injected', 'fault: '),
      ...section('invariant checks made', 'check: '),
      ...(other.length > 0 ? ['other figures:', ...other.map(([key, n]) => `    ${String(n).padStart(7)}  ${key}`)] : []),
    ].join('\n');
  }
}
