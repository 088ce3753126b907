import { answerFor, answerForNewTracker } from './answer';
import { createTracker, CreatedTracker, removeOwnTrackerLeftBehind } from './create-tracker';
import { logStep } from './log';
import { Owner, ownerOf } from './ownership';
import { DesiredTracker, parseDesiredTracker } from './properties';
import { OnEventRequest, OnEventResponse } from './provider-types';
import { cleanupStep, Step } from './step';
import { release, takeOver } from './take-over';

/**
 * A failed Create gets the Provider framework's CREATE_FAILED marker as physical id, whose Delete
 * never reaches this handler: so before it fails, onEvent deletes any tracker of its own it may
 * have created (an attempt whose answer was lost, or one that succeeded as time ran out).
 */
export async function onCreate(step: Step, event: OnEventRequest): Promise<OnEventResponse> {
  const desired = parseDesiredTracker(event.ResourceProperties);
  const owner = ownerOf(event);
  if (desired.takeOverArn !== undefined) {
    return answerFor(await takeOverOrRelease(step, owner, desired, desired.takeOverArn));
  }
  let tracker;
  try {
    tracker = await createTracker(step, owner, desired);
  } catch (error) {
    await removeOwnTrackerLeftBehind(cleanupStep(step), owner, desired).catch((cleanupError) => {
      logStep({ requestType: step.requestType, step: 'cleanup-failed', error: String((cleanupError as Error).message) });
    });
    throw error;
  }
  return answerForNewTracker(step, tracker);
}

/** A failed take-over leaves the tracker as it found it, without this resource's ownership tag. */
async function takeOverOrRelease(step: Step, owner: Owner, desired: DesiredTracker, arn: string): Promise<CreatedTracker> {
  try {
    return await takeOver(step, owner, desired, arn);
  } catch (error) {
    await release(cleanupStep(step), owner, arn).catch((cleanupError) => {
      logStep({ requestType: step.requestType, step: 'cleanup-failed', error: String((cleanupError as Error).message) });
    });
    throw error;
  }
}
