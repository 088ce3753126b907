import { isTransient } from './errors';
import { GONE, OBSERVATION_KEY, StatusObservation } from './provider-types';
import { Step } from './step';
import { scaled } from './timing';
import { describeTracker, Tracker } from './trackers';

/**
 * When onEvent looks again after its request. Most trackers settle within seconds: two looks catch
 * them with under a second of delay while keeping the API calls within one of the Provider's polls.
 */
const OBSERVE_AFTER_MS = [1_000, 3_500];

/** How long an observation by onEvent stands in for isComplete's own DescribeEventTracker. */
const OBSERVATION_FRESH_MS = 2_000;

/** Looks at the tracker at the offsets above until `settled` says so or onEvent's time is short. */
export async function observeBriefly(
  step: Step,
  arn: string,
  settled: (tracker: Tracker | undefined) => boolean,
): Promise<StatusObservation | undefined> {
  const startedAt = Date.now();
  let observation: StatusObservation | undefined;
  for (const offset of OBSERVE_AFTER_MS) {
    const wait = startedAt + scaled(offset) - Date.now();
    if (wait >= step.deadline.remainingMs()) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    let tracker: Tracker | undefined;
    try {
      tracker = await describeTracker(step.client, arn);
    } catch (error) {
      if (isTransient(error)) {
        continue;
      }
      throw error;
    }
    observation = { Status: tracker?.status ?? GONE, ObservedAt: Date.now() };
    if (settled(tracker)) {
      break;
    }
  }
  return observation;
}

/** The status onEvent saw moments ago, if isComplete may rely on it instead of asking again. */
export function freshObservation(event: { readonly [OBSERVATION_KEY]?: StatusObservation }): StatusObservation | undefined {
  const observation = event[OBSERVATION_KEY];
  if (!observation || typeof observation.ObservedAt !== 'number') {
    return undefined;
  }
  return Date.now() - observation.ObservedAt < scaled(OBSERVATION_FRESH_MS) ? observation : undefined;
}
