import type { Context } from 'aws-lambda';

/**
 * Every wait of the handler goes through here. EVENT_TRACKER_TIME_SCALE (a test hook, unset in
 * Lambda) compresses them so lifecycle tests against the emulator run in milliseconds.
 */
export function scaled(milliseconds: number): number {
  const scale = Number(process.env.EVENT_TRACKER_TIME_SCALE ?? '1');
  return Number.isFinite(scale) && scale > 0 ? milliseconds * scale : milliseconds;
}

/** Time kept back from the work: enough to finish a step and answer the Provider before the Lambda timeout. */
const RESERVE_MS = 15_000;

/**
 * The point by which an invocation must have done its work. Every SDK call is bounded by it (see
 * `abortSignal`), and the SDK's waits between retries never outlast it, so no call outlives the invocation.
 */
export class Deadline {
  public static fromContext(context: Pick<Context, 'getRemainingTimeInMillis'>): Deadline {
    const remaining = context.getRemainingTimeInMillis();
    return new Deadline(Date.now() + remaining - Math.min(scaled(RESERVE_MS), remaining / 5));
  }

  private constructor(private readonly at: number) {}

  public remainingMs(): number {
    return this.at - Date.now();
  }

  /** Aborts an SDK call still running when the deadline comes. */
  public abortSignal(): AbortSignal {
    return AbortSignal.timeout(Math.max(1, Math.floor(this.remainingMs())));
  }

  /** Sleeps until the given time (epoch ms), or less if the deadline comes first. */
  public async sleepUntil(epochMs: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(epochMs - Date.now(), this.remainingMs()))));
  }
}
