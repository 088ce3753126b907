/** Prints the demo as a story: numbered steps, indented details, elapsed time on every step line. */
export class Story {
  private readonly startedAt = Date.now();
  private stepStartedAt = Date.now();
  private current = '';

  /** @param write where lines go (tests pass their own) */
  constructor(private readonly totalSteps: number, private readonly write: (line: string) => void = (line) => console.log(line)) {}

  title(text: string, ...paragraph: string[]): void {
    this.write(text);
    this.write('='.repeat(text.length));
    paragraph.forEach((line) => this.write(line));
  }

  step(n: number, title: string, ...explanation: string[]): void {
    this.current = `Step ${n}/${this.totalSteps}`;
    this.stepStartedAt = Date.now();
    this.write('');
    this.write(`[${this.clock()}] ${this.current}: ${title}`);
    explanation.forEach((line) => this.write(`           ${line}`));
  }

  /** A line of the current step. */
  say(text: string): void {
    this.write(`           ${text}`);
  }

  /** A detail below the last line. */
  detail(text: string): void {
    this.write(`             ${text}`);
  }

  done(summary: string): void {
    this.write(`[${this.clock()}] ${this.current} done in ${seconds(Date.now() - this.stepStartedAt)}: ${summary}`);
  }

  get currentStep(): string {
    return this.current;
  }

  elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  private clock(): string {
    return `${((Date.now() - this.startedAt) / 1000).toFixed(1).padStart(5)} s`;
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
