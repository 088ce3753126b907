import { UntagResourceCommand } from '@aws-sdk/client-personalize';
import { answerFor, answerForNewTracker } from './answer';
import { createTracker, CreatedTracker, removeOwnTrackerLeftBehind } from './create-tracker';
import { logStep } from './log';
import { Owner, ownerOf } from './ownership';
import { DesiredTracker, parseDesiredTracker } from './properties';
import { OnEventRequest, OnEventResponse } from './provider-types';
import { callOptions, cleanupStep, Step } from './step';
import { takeOver } from './take-over';
import { OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';

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
  const attempts = { mayHaveCreated: false };
  let tracker;
  try {
    tracker = await createTracker(step, owner, desired, attempts);
  } catch (error) {
    // Only what this invocation may have created: a second delivery of a Create that succeeded must
    // not delete the tracker CloudFormation holds.
    if (attempts.mayHaveCreated) {
      await removeOwnTrackerLeftBehind(cleanupStep(step), owner, desired).catch((cleanupError) => {
        logStep({ requestType: step.requestType, step: 'cleanup-failed', error: String((cleanupError as Error).message) });
      });
    }
    throw error;
  }
  return answerForNewTracker(step, tracker);
}

/** A failed take-over leaves the tracker as it found it: without the ownership tag, if this invocation added it. */
async function takeOverOrRelease(step: Step, owner: Owner, desired: DesiredTracker, arn: string): Promise<CreatedTracker> {
  const tagged = { value: false };
  try {
    return await takeOver(step, owner, desired, arn, tagged);
  } catch (error) {
    if (tagged.value) {
      await untagProof(cleanupStep(step), arn).catch((cleanupError) => {
        logStep({ requestType: step.requestType, step: 'cleanup-failed', error: String((cleanupError as Error).message) });
      });
    }
    throw error;
  }
}

async function untagProof(step: Step, arn: string): Promise<void> {
  await step.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [OWNERSHIP_TAG_KEY] }), callOptions(step));
}
