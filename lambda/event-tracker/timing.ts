import type { Context } from 'aws-lambda';

/**
 * Every wait of the handler goes through here. EVENT_TRACKER_TIME_SCALE (a test hook, unset in
 * Lambda) compresses them so lifecycle tests against the emulator run in milliseconds.
 */
export function scaled(milliseconds: number): number {
  const scale = Number(process.env.EVENT_TRACKER_TIME_SCALE ?? '1');
  return Number.isFinite(scale) && scale > 0 ? milliseconds * scale : milliseconds;
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, scaled(milliseconds)));
}

/** The point by which onEvent must have answered, leaving room before the Lambda timeout. */
export class Deadline {
  public static fromContext(context: Pick<Context, 'getRemainingTimeInMillis'>): Deadline {
    const remaining = context.getRemainingTimeInMillis();
    const reserve = Math.min(scaled(15_000), remaining / 5);
    return new Deadline(Date.now() + remaining - reserve);
  }

  private constructor(private readonly at: number) {}

  public remainingMs(): number {
    return this.at - Date.now();
  }

  public hasPassed(): boolean {
    return this.remainingMs() <= 0;
  }

  /** Sleeps for `milliseconds` (scaled), or less if the deadline comes first. */
  public async sleep(milliseconds: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(scaled(milliseconds), this.remainingMs()))));
  }
}
