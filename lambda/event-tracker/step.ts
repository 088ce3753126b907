import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import { DeploymentFailure } from './deployment-failure';
import type { Deadline } from './timing';

/** What every lifecycle function works with during one invocation. */
export interface Step {
  readonly client: PersonalizeClient;
  readonly deadline: Deadline;
  readonly requestType: string;
  /** When this invocation began (the handler's clock, ms): see madeMeanwhile in ownership.ts. */
  readonly startedAt: number;
}

/** Options for every SDK call: the call is aborted when the invocation's deadline comes. */
export function callOptions(step: Pick<Step, 'deadline'>): { abortSignal: AbortSignal } {
  return { abortSignal: step.deadline.abortSignal() };
}

/** The same step, with the later deadline that clean-up after a failure may use. */
export function cleanupStep(step: Step): Step {
  return { ...step, deadline: step.deadline.forCleanup() };
}

/** Sleeps before the next attempt, or fails with `reason()` once the time is up. */
export async function waitOrGiveUp(step: Step, milliseconds: number, reason: () => string): Promise<void> {
  if (step.deadline.hasPassed()) {
    throw new DeploymentFailure(reason());
  }
  await step.deadline.sleep(milliseconds);
}
