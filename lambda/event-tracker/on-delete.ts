import { logStep, logWarning } from './log';
import { observeBriefly } from './observe';
import { isOwn, ownerOf, ownershipOf } from './ownership';
import { isRetained } from './properties';
import { OnEventRequest, OnEventResponse } from './provider-types';
import { Step } from './step';
import { release } from './take-over';
import { isEventTrackerArn, requestDeletion } from './trackers';

/**
 * Asks for deletion and returns; isComplete waits until the tracker is gone (and asks again if it
 * was still being created), so a dataset group deleted next in the stack finds no tracker. A kept
 * tracker (removal policy RETAIN, or taken over) is released instead: the handler implements the
 * retention itself, since CloudFormation's DeletionPolicy Retain would keep the Delete from it.
 */
export async function onDelete(step: Step, event: OnEventRequest & { PhysicalResourceId: string }): Promise<OnEventResponse> {
  const physicalResourceId = event.PhysicalResourceId;
  if (!isEventTrackerArn(physicalResourceId)) {
    // Not ours to delete: e.g. the id of a create that failed before a tracker existed.
    logStep({ requestType: step.requestType, step: 'nothing-to-delete', physicalResourceId });
    return { PhysicalResourceId: physicalResourceId };
  }
  const ownership = await ownershipOf(step, ownerOf(event), physicalResourceId);
  if (ownership === undefined) {
    logStep({ requestType: step.requestType, step: 'already-gone', eventTrackerArn: physicalResourceId });
    return { PhysicalResourceId: physicalResourceId };
  }
  if (isRetained(event.ResourceProperties)) {
    await release(step, ownerOf(event), physicalResourceId);
    return { PhysicalResourceId: physicalResourceId };
  }
  if (!isOwn(ownership)) {
    logWarning({
      requestType: step.requestType,
      step: 'not-deleting-foreign-tracker',
      eventTrackerArn: physicalResourceId,
      reason: 'The tracker at this ARN carries another resource\'s ownership tag: it is not this stack\'s any more, so it is left as it is.',
    });
    return { PhysicalResourceId: physicalResourceId };
  }
  await requestDeletion(step, physicalResourceId);
  logStep({ requestType: step.requestType, step: 'deletion-requested', eventTrackerArn: physicalResourceId });
  await observeBriefly(step, physicalResourceId, (seen) => seen === undefined);
  return { PhysicalResourceId: physicalResourceId };
}
