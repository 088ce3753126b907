import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-personalize';
import type { CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { answerWhenActive, attributesOf } from './answer';
import { createTracker } from './create-tracker';
import { deleteAndWaitUntilGone } from './delete-tracker';
import { DeploymentFailure } from './deployment-failure';
import { logStep, logWarning } from './log';
import { foreignTrackerInDatasetGroup, nameTaken } from './messages';
import { DesiredTracker, parseDesiredTracker, parsePreviousTracker } from './properties';
import { OBSERVATION_KEY, OnEventResponse } from './provider-types';
import { Step } from './step';
import {
  describeTracker,
  findTrackerInDatasetGroup,
  findTrackerNamed,
  isDeleting,
  isEventTrackerArn,
  Tracker,
  TrackerStatus,
} from './trackers';

/**
 * Tags change in place. A new name or dataset group means a new tracker: since a dataset group holds
 * one tracker and names are unique, the old one is deleted first (CloudFormation's later Delete of the
 * old physical id then finds nothing). A tracker deleted behind the stack's back is created again.
 */
export async function onUpdate(step: Step, event: CloudFormationCustomResourceUpdateEvent): Promise<OnEventResponse> {
  const desired = parseDesiredTracker(event.ResourceProperties);
  const previous = parsePreviousTracker(event.OldResourceProperties);
  const ownedNames = [previous.name, desired.name];

  let current = isEventTrackerArn(event.PhysicalResourceId) ? await describeTracker(step.client, event.PhysicalResourceId) : undefined;
  if (current && (isDeleting(current.status) || current.status === TrackerStatus.CREATE_FAILED)) {
    await deleteAndWaitUntilGone(step, current.arn);
    current = undefined;
  }
  if (!current) {
    logWarning({
      requestType: step.requestType,
      step: 'recreating',
      physicalResourceId: event.PhysicalResourceId,
      reason: 'The event tracker no longer exists (deleted outside CloudFormation?). Creating it again: its trackingId changes.',
    });
    return answerWhenActive(step, await createTracker(step, desired, ownedNames));
  }

  if (current.name === desired.name && current.datasetGroupArn === desired.datasetGroupArn) {
    await updateTags(step, current.arn, previous.tags, desired.tags);
    return { PhysicalResourceId: current.arn, Data: attributesOf(current), [OBSERVATION_KEY]: { Status: current.status, ObservedAt: Date.now() } };
  }

  await ensureRoomForReplacement(step, current, desired, ownedNames);
  if (desired.retainOnReplacement) {
    logStep({ requestType: step.requestType, step: 'replacing-and-retaining', eventTrackerArn: current.arn });
  } else {
    logStep({ requestType: step.requestType, step: 'replacing', eventTrackerArn: current.arn });
    await deleteAndWaitUntilGone(step, current.arn);
  }
  return answerWhenActive(step, await createTracker(step, desired, ownedNames));
}

async function updateTags(step: Step, arn: string, previous: ReadonlyMap<string, string>, desired: ReadonlyMap<string, string>): Promise<void> {
  const removed = [...previous.keys()].filter((key) => !desired.has(key));
  const changed = [...desired].filter(([key, value]) => previous.get(key) !== value);
  if (removed.length > 0) {
    await step.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: removed }));
  }
  if (changed.length > 0) {
    await step.client.send(new TagResourceCommand({ resourceArn: arn, tags: changed.map(([tagKey, tagValue]) => ({ tagKey, tagValue })) }));
  }
  logStep({ requestType: step.requestType, step: 'tags-updated', eventTrackerArn: arn, removed: removed.length, set: changed.length });
}

/** Fails before anything is deleted when the new tracker could not be created anyway. */
async function ensureRoomForReplacement(
  step: Step,
  current: Tracker,
  desired: DesiredTracker,
  ownedNames: ReadonlyArray<string | undefined>,
): Promise<void> {
  if (desired.retainOnReplacement && (current.datasetGroupArn === desired.datasetGroupArn || current.name === desired.name)) {
    throw new DeploymentFailure(`Cannot replace event tracker '${current.name}' (${current.arn}) with '${desired.name}' in dataset group ${desired.datasetGroupArn}: its removal policy is RETAIN, so this stack does not delete it, and Personalize allows one tracker per dataset group and each name once. Deploy this change with removalPolicy DESTROY, or delete the old tracker yourself first.`);
  }
  const occupant = await findTrackerInDatasetGroup(step.client, desired.datasetGroupArn);
  if (occupant?.eventTrackerArn && occupant.eventTrackerArn !== current.arn && !isDeleting(occupant.status ?? '') && !ownedNames.includes(occupant.name)) {
    throw new DeploymentFailure(foreignTrackerInDatasetGroup(desired.datasetGroupArn, occupant.name, occupant.eventTrackerArn));
  }
  if (desired.name !== current.name) {
    const namesake = await findTrackerNamed(step.client, desired.name);
    if (namesake?.eventTrackerArn && namesake.eventTrackerArn !== occupant?.eventTrackerArn && !isDeleting(namesake.status ?? '')) {
      const other = await describeTracker(step.client, namesake.eventTrackerArn);
      throw new DeploymentFailure(nameTaken(desired.name, namesake.eventTrackerArn, other?.datasetGroupArn));
    }
  }
}
