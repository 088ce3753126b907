import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { attributesOf } from './answer';
import { DeploymentFailure } from './deployment-failure';
import { isTransient } from './errors';
import { logStep } from './log';
import { freshObservation } from './observe';
import { GONE, IsCompleteRequest, IsCompleteResponse } from './provider-types';
import { canBeDeleted, describeTracker, isCreating, isEventTrackerArn, requestDeletion, Tracker, TrackerStatus } from './trackers';

const NOT_YET: IsCompleteResponse = { IsComplete: false };

/**
 * Create and Update: complete when the tracker is ACTIVE. Delete: complete when it is gone, asking
 * for deletion again once a tracker that was still being created allows it. Throttling, 5xx and
 * timeouts only mean "not known yet": the Provider asks again after its query interval.
 */
export async function checkCompletion(client: PersonalizeClient, event: IsCompleteRequest): Promise<IsCompleteResponse> {
  const arn = event.PhysicalResourceId;
  if (event.RequestType === 'Delete' && !isEventTrackerArn(arn)) {
    return { IsComplete: true };
  }
  const observation = freshObservation(event);
  if (observation) {
    const settled = observation.Status === (event.RequestType === 'Delete' ? GONE : TrackerStatus.ACTIVE);
    if (settled || isCreating(observation.Status) || event.RequestType === 'Delete') {
      logStep({ requestType: event.RequestType, step: 'status-seen-by-onEvent', eventTrackerArn: arn, status: observation.Status });
      return settled ? { IsComplete: true } : NOT_YET;
    }
  }
  try {
    const tracker = await describeTracker(client, arn);
    logStep({ requestType: event.RequestType, step: 'status', eventTrackerArn: arn, status: tracker?.status ?? GONE });
    return event.RequestType === 'Delete' ? await deletionProgress(client, tracker) : creationProgress(arn, tracker);
  } catch (error) {
    if (isTransient(error)) {
      logStep({ requestType: event.RequestType, step: 'status-unknown', eventTrackerArn: arn, error: String((error as Error).name) });
      return NOT_YET;
    }
    throw error;
  }
}

function creationProgress(arn: string, tracker: Tracker | undefined): IsCompleteResponse {
  if (!tracker) {
    throw new DeploymentFailure(`Event tracker ${arn} disappeared while CloudFormation waited for it to become ACTIVE: someone deleted it. Deploy again to create a new one.`);
  }
  if (tracker.status === TrackerStatus.ACTIVE) {
    return { IsComplete: true, Data: attributesOf(tracker) };
  }
  if (isCreating(tracker.status)) {
    return NOT_YET;
  }
  throw new DeploymentFailure(`Event tracker '${tracker.name}' (${arn}) for dataset group ${tracker.datasetGroupArn} reached status ${tracker.status} instead of ACTIVE, so it cannot receive events. CloudFormation rolls back and deletes it. Check the dataset group in the Personalize console (it must be ACTIVE), then deploy again.`);
}

async function deletionProgress(client: PersonalizeClient, tracker: Tracker | undefined): Promise<IsCompleteResponse> {
  if (!tracker) {
    return { IsComplete: true };
  }
  if (canBeDeleted(tracker.status)) {
    await requestDeletion(client, tracker.arn);
  }
  return NOT_YET;
}
