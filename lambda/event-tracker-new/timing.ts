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

/** Time kept back from the work: enough to clean up after a failure and to answer CloudFormation. */
const WORK_RESERVE_MS = 15_000;
/** Time kept back from the clean-up: the answer itself and the Lambda runtime's own overhead. */
const ANSWER_RESERVE_MS = 3_000;

/**
 * The point by which an invocation must have done its work, leaving room before the Lambda timeout.
 * Every SDK call is bounded by it (see `abortSignal`), so no call can outlive the invocation.
 */
export class Deadline {
  public static fromContext(context: Pick<Context, 'getRemainingTimeInMillis'>): Deadline {
    const remaining = context.getRemainingTimeInMillis();
    const now = Date.now();
    const answerAt = now + remaining - Math.min(scaled(ANSWER_RESERVE_MS), remaining / 10);
    const workAt = now + remaining - Math.min(scaled(WORK_RESERVE_MS), remaining / 5);
    return new Deadline(workAt, new Deadline(answerAt));
  }

  private constructor(private readonly at: number, private readonly cleanup?: Deadline) {}

  public remainingMs(): number {
    return this.at - Date.now();
  }

  public hasPassed(): boolean {
    return this.remainingMs() <= 0;
  }

  /** The later deadline for cleaning up after a failure (deleting a tracker this request made). */
  public forCleanup(): Deadline {
    return this.cleanup ?? this;
  }

  /** Aborts an SDK call still running when the deadline comes. */
  public abortSignal(): AbortSignal {
    return AbortSignal.timeout(Math.max(1, Math.floor(this.remainingMs())));
  }

  /** Sleeps until the given time (epoch ms), or less if the deadline comes first. */
  public async sleepUntil(epochMs: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(epochMs - Date.now(), this.remainingMs()))));
  }

  /** Sleeps for `milliseconds` (scaled), or less if the deadline comes first. */
  public async sleep(milliseconds: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(scaled(milliseconds), this.remainingMs()))));
  }
}
