import { removeOwnTrackerLeftBehind } from './create-tracker';
import { Departure, departureOf, release } from './departure';
import { logStep, logWarning } from './log';
import { observeBriefly } from './observe';
import { ownerOf } from './ownership';
import { isRetained, parsePreviousTracker } from './properties';
import { OnEventRequest, OnEventResponse } from './provider-types';
import { Step } from './step';
import { isEventTrackerArn, requestDeletion } from './trackers';

/**
 * Asks for deletion and returns; isComplete waits until the tracker is gone (and asks again if it
 * was still being created), so a dataset group deleted next in the stack finds no tracker. A kept
 * tracker (removal policy RETAIN, or taken over) is released instead: the handler implements the
 * retention itself, since CloudFormation's DeletionPolicy Retain would keep the Delete from it.
 */
export async function onDelete(step: Step, event: OnEventRequest & { PhysicalResourceId: string }): Promise<OnEventResponse> {
  const physicalResourceId = event.PhysicalResourceId;
  const owner = ownerOf(event);
  if (!isEventTrackerArn(physicalResourceId)) {
    // A Create whose answer never reached CloudFormation gets an id CloudFormation made up: a tracker
    // of ours may still be there, under the properties.
    const { name, datasetGroupArn } = parsePreviousTracker(event.ResourceProperties);
    if (name !== undefined && datasetGroupArn !== undefined && !isRetained(event.ResourceProperties)) {
      await removeOwnTrackerLeftBehind(step, owner, { name, datasetGroupArn });
    }
    logStep({ requestType: step.requestType, step: 'nothing-to-delete', physicalResourceId });
    return { PhysicalResourceId: physicalResourceId };
  }
  const { departure } = await departureOf(step, owner, physicalResourceId, event.ResourceProperties);
  switch (departure) {
    case Departure.LEAVE:
      logWarning({
        requestType: step.requestType,
        step: 'not-deleting-foreign-tracker',
        eventTrackerArn: physicalResourceId,
        reason: 'The tracker at this ARN is gone, or is not this resource\'s (it carries another resource\'s ownership tag, or none and not the expected name and dataset group): it is left as it is.',
      });
      return { PhysicalResourceId: physicalResourceId };
    case Departure.RELEASED:
      return { PhysicalResourceId: physicalResourceId };
    case Departure.RELEASE:
      await release(step, owner, physicalResourceId);
      return { PhysicalResourceId: physicalResourceId };
    case Departure.DELETE:
      await requestDeletion(step, physicalResourceId);
      logStep({ requestType: step.requestType, step: 'deletion-requested', eventTrackerArn: physicalResourceId });
      await observeBriefly(step, physicalResourceId, (seen) => seen === undefined);
      return { PhysicalResourceId: physicalResourceId };
  }
}
