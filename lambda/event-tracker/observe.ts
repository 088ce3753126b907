import { isTransient } from './errors';
import { Step } from './step';
import { scaled } from './timing';
import { describeTracker, Tracker } from './trackers';

/**
 * When onEvent looks again after its request. Most deletions settle within seconds: two looks catch
 * them with under a second of delay while keeping the API calls within one of the Provider's polls.
 */
const OBSERVE_AFTER_MS = [1_000, 3_500];

/**
 * Looks at the tracker at the offsets above until `settled` says so or onEvent's time is short.
 * What it saw only decides when onEvent answers, never what it answers.
 */
export async function observeBriefly(step: Step, arn: string, settled: (tracker: Tracker | undefined) => boolean): Promise<void> {
  const startedAt = Date.now();
  for (const offset of OBSERVE_AFTER_MS) {
    const wait = startedAt + scaled(offset) - Date.now();
    if (wait >= step.deadline.remainingMs()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    try {
      if (settled(await describeTracker(step, arn))) {
        return;
      }
    } catch (error) {
      if (!isTransient(error)) {
        throw error;
      }
    }
  }
}
