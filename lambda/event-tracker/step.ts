import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import { DeploymentFailure } from './deployment-failure';
import type { Deadline } from './timing';

/** What every lifecycle function works with during one onEvent invocation. */
export interface Step {
  readonly client: PersonalizeClient;
  readonly deadline: Deadline;
  readonly requestType: string;
}

/** Sleeps before the next attempt, or fails with `reason()` once onEvent's time is up. */
export async function waitOrGiveUp(step: Step, milliseconds: number, reason: () => string): Promise<void> {
  if (step.deadline.hasPassed()) {
    throw new DeploymentFailure(reason());
  }
  await step.deadline.sleep(milliseconds);
}
