import { logStep } from './log';
import { observeBriefly } from './observe';
import { OBSERVATION_KEY, OnEventResponse } from './provider-types';
import { Step } from './step';
import { isEventTrackerArn, requestDeletion } from './trackers';

/**
 * Asks for deletion and returns; isComplete waits until the tracker is gone (and asks again if it
 * was still being created), so a dataset group deleted next in the stack finds no tracker.
 */
export async function onDelete(step: Step, physicalResourceId: string): Promise<OnEventResponse> {
  if (!isEventTrackerArn(physicalResourceId)) {
    // Not ours to delete: e.g. the id of a create that failed before a tracker existed.
    logStep({ requestType: step.requestType, step: 'nothing-to-delete', physicalResourceId });
    return { PhysicalResourceId: physicalResourceId };
  }
  await requestDeletion(step.client, physicalResourceId);
  logStep({ requestType: step.requestType, step: 'deletion-requested', eventTrackerArn: physicalResourceId });
  const observation = await observeBriefly(step, physicalResourceId, (seen) => seen === undefined);
  return { PhysicalResourceId: physicalResourceId, [OBSERVATION_KEY]: observation };
}
