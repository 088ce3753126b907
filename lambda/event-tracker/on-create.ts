import { answerForNewTracker } from './answer';
import { createTracker, removeOwnTrackerLeftBehind } from './create-tracker';
import { logStep } from './log';
import { ownerOf } from './ownership';
import { parseDesiredTracker } from './properties';
import { OnEventRequest, OnEventResponse } from './provider-types';
import { cleanupStep, Step } from './step';

/**
 * A failed Create gets the Provider framework's CREATE_FAILED marker as physical id, whose Delete
 * never reaches this handler: so before it fails, onEvent deletes any tracker of its own it may
 * have created (an attempt whose answer was lost, or one that succeeded as time ran out).
 */
export async function onCreate(step: Step, event: OnEventRequest): Promise<OnEventResponse> {
  const desired = parseDesiredTracker(event.ResourceProperties);
  const owner = ownerOf(event);
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
