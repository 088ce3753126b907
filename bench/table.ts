/** A table of figures, printed as aligned text and written as Markdown. */
export interface Table {
  /** Printed above the table. */
  readonly title?: string;
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** One target of the issue: the figure measured, what it must be, and whether it is. */
export interface Check {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  readonly pass: boolean;
}

/** What one measurement reports. */
export interface Section {
  readonly title: string;
  readonly tables: readonly Table[];
  /** Definitions and observations printed under the tables. */
  readonly notes: readonly string[];
  readonly checks: readonly Check[];
}

export function checksTable(checks: readonly Check[]): Table {
  return {
    header: ['target', 'value', 'required', 'result'],
    rows: checks.map((c) => [c.figure, c.value, c.target, c.pass ? 'PASS' : 'FAIL']),
  };
}

export function renderText(table: Table): string {
  const widths = table.header.map((h, i) => Math.max(h.length, ...table.rows.map((r) => r[i].length)));
  // Text columns left-aligned, figures right-aligned.
  const numeric = table.header.map((_, i) => table.rows.every((r) => /^[-+<>~]?[\d.]+/.test(r[i]) || r[i] === '-'));
  const line = (cells: readonly string[]) => cells
    .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
    .join('  ')
    .trimEnd();
  return [
    ...(table.title ? [table.title, ''] : []),
    line(table.header), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line),
  ].join('\n');
}

export function renderMarkdown(table: Table): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    ...(table.title ? [`**${table.title}**`, ''] : []),
    line(table.header), line(table.header.map(() => '---')), ...table.rows.map(line),
  ].join('\n');
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds, with a decimal below 10 ms. */
export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

/** KB = 1000 bytes. */
export function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} KB`;
}

/** `a` as a multiple of `b`. */
export function times(a: number, b: number): string {
  return b === 0 ? '-' : `${(a / b).toFixed(2)}x`;
}
