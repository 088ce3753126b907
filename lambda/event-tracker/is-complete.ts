import { attributesOf } from './answer';
import { Departure, departureOf } from './departure';
import { DeploymentFailure } from './deployment-failure';
import { isTransient } from './errors';
import { logStep } from './log';
import { ownerOf } from './ownership';
import { GONE, IsCompleteRequest, IsCompleteResponse } from './provider-types';
import { Step } from './step';
import { scaled } from './timing';
import { canBeDeleted, describeTracker, isCreating, isEventTrackerArn, requestDeletion, Tracker, TrackerStatus } from './trackers';

const NOT_YET: IsCompleteResponse = { IsComplete: false };

/**
 * A tracker still being created this soon after its creation gets one more look within the same
 * call, at this age: trackers that settle in seconds are reported without waiting for the next poll.
 */
const SECOND_LOOK_AT_AGE_MS = 3_500;
/**
 * Read-after-write lag: right after CreateEventTracker, DescribeEventTracker may not know the tracker
 * yet. For this long, "not found" during a Create or Update means "not yet"; only then "deleted".
 */
const NOT_FOUND_GRACE_MS = 20_000;
export const NOT_FOUND_RETRY_MS = 2_000;

/**
 * Create and Update: complete when the tracker is ACTIVE. Delete: complete when it is gone, asking
 * for deletion again once a tracker that was still being created allows it. Throttling, 5xx and
 * timeouts only mean "not known yet": the Provider asks again after its query interval.
 */
export async function checkCompletion(step: Step, event: IsCompleteRequest): Promise<IsCompleteResponse> {
  const arn = event.PhysicalResourceId;
  if (event.RequestType === 'Delete' && !isEventTrackerArn(arn)) {
    return { IsComplete: true };
  }
  try {
    if (event.RequestType === 'Delete') {
      const tracker = await describeTracker(step, arn);
      logStep({ requestType: event.RequestType, step: 'status', eventTrackerArn: arn, status: tracker?.status ?? GONE });
      return await deletionProgress(step, event, tracker);
    }
    return await creationProgress(step, arn);
  } catch (error) {
    if (isTransient(error)) {
      logStep({ requestType: event.RequestType, step: 'status-unknown', eventTrackerArn: arn, error: String((error as Error).name) });
      return NOT_YET;
    }
    throw error;
  }
}

async function creationProgress(step: Step, arn: string): Promise<IsCompleteResponse> {
  let tracker = await describeAllowingLag(step, arn);
  if (tracker && isCreating(tracker.status)) {
    const secondLookAt = (tracker.creationDateTime?.getTime() ?? -Infinity) + scaled(SECOND_LOOK_AT_AGE_MS);
    if (secondLookAt > Date.now() && secondLookAt - Date.now() <= scaled(SECOND_LOOK_AT_AGE_MS)) {
      await step.deadline.sleepUntil(secondLookAt);
      tracker = await describeAllowingLag(step, arn);
    }
  }
  logStep({ requestType: step.requestType, step: 'status', eventTrackerArn: arn, status: tracker?.status ?? GONE });
  if (!tracker) {
    throw new DeploymentFailure(`Event tracker ${arn} disappeared while CloudFormation waited for it to become ACTIVE: someone deleted it. Deploy again to create a new one.`);
  }
  if (tracker.status === TrackerStatus.ACTIVE) {
    return { IsComplete: true, Data: attributesOf(tracker) };
  }
  if (isCreating(tracker.status)) {
    return NOT_YET;
  }
  if (tracker.status === TrackerStatus.CREATE_FAILED) {
    // This request's own tracker: delete it before failing, so that no rollback has to find it.
    await requestDeletion(step, arn);
    throw new DeploymentFailure(`Event tracker '${tracker.name}' (${arn}) for dataset group ${tracker.datasetGroupArn} reached status CREATE FAILED instead of ACTIVE, so it cannot receive events; it is being deleted. Check the dataset group in the Personalize console (it must be ACTIVE), then deploy again.`);
  }
  throw new DeploymentFailure(`Event tracker '${tracker.name}' (${arn}) is ${tracker.status} while CloudFormation waited for it to become ACTIVE: someone is deleting it outside the stack. Deploy again to create a new one.`);
}

/** DescribeEventTracker, reading "not found" as "not yet" for a bounded time. */
async function describeAllowingLag(step: Step, arn: string): Promise<Tracker | undefined> {
  const giveUpAt = Date.now() + scaled(NOT_FOUND_GRACE_MS);
  for (;;) {
    const tracker = await describeTracker(step, arn);
    if (tracker || Date.now() >= giveUpAt || step.deadline.remainingMs() <= scaled(NOT_FOUND_RETRY_MS)) {
      return tracker;
    }
    logStep({ requestType: step.requestType, step: 'not-found-yet', eventTrackerArn: arn });
    await step.deadline.sleep(NOT_FOUND_RETRY_MS);
  }
}

async function deletionProgress(step: Step, event: IsCompleteRequest, tracker: Tracker | undefined): Promise<IsCompleteResponse> {
  if (!tracker) {
    return { IsComplete: true };
  }
  if (canBeDeleted(tracker.status)) {
    const { departure } = await departureOf(step, ownerOf(event), tracker.arn, event.ResourceProperties);
    if (departure !== Departure.DELETE) {
      // onDelete kept it (released), or left it alone as not this resource's.
      return { IsComplete: true };
    }
    await requestDeletion(step, tracker.arn);
  }
  return NOT_YET;
}
