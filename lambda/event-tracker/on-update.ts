import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-personalize';
import type { CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { answerFor, answerForNewTracker } from './answer';
import { createTracker } from './create-tracker';
import { deleteAndWaitUntilGone } from './delete-tracker';
import { DeploymentFailure } from './deployment-failure';
import { logStep, logWarning } from './log';
import { managedElsewhere } from './messages';
import { classify, Owner, ownerOf, Ownership, ownershipProof } from './ownership';
import { DesiredTracker, parseDesiredTracker, parsePreviousTracker, PreviousTracker } from './properties';
import { OnEventResponse } from './provider-types';
import { prepareTargetSlot, removeLeftoverOfFailedProperties } from './replacement';
import { callOptions, Step } from './step';
import { describeTracker, isDeleting, isEventTrackerArn, listTags, TrackerStatus } from './trackers';
import { OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';

/**
 * Tags change in place. A new name or dataset group means a new tracker. When the current tracker is
 * not in its way (new name and new dataset group), the new one is created first and CloudFormation's
 * cleanup Delete removes the old one, so a rollback finds it intact. When it is in the way (a dataset
 * group holds one tracker, names are unique), the old one is deleted first. A tracker deleted behind
 * the stack's back is created again.
 */
export async function onUpdate(step: Step, event: CloudFormationCustomResourceUpdateEvent): Promise<OnEventResponse> {
  const desired = parseDesiredTracker(event.ResourceProperties);
  const previous = parsePreviousTracker(event.OldResourceProperties);
  const owner = ownerOf(event);
  if (desired.takeOverArn !== undefined && desired.takeOverArn !== previous.takeOverArn && desired.takeOverArn !== event.PhysicalResourceId) {
    throw new DeploymentFailure(`takeOverEventTrackerArn ${desired.takeOverArn} was added to an EventTracker that already manages ${event.PhysicalResourceId}: a tracker is taken over only when its EventTracker is created. Nothing was changed. Add a new EventTracker (a new construct id) with takeOverEventTrackerArn instead.`);
  }

  let current = isEventTrackerArn(event.PhysicalResourceId) ? await describeTracker(step, event.PhysicalResourceId) : undefined;
  if (current && (isDeleting(current.status) || current.status === TrackerStatus.CREATE_FAILED)) {
    await deleteAndWaitUntilGone(step, current.arn);
    current = undefined;
  }
  await removeLeftoverOfFailedProperties(step, owner, previous, desired, current);

  if (!current) {
    logWarning({
      requestType: step.requestType,
      step: 'recreating',
      physicalResourceId: event.PhysicalResourceId,
      reason: 'The event tracker no longer exists (deleted outside CloudFormation?). Creating it again: its trackingId changes.',
    });
    return answerForNewTracker(step, await createTracker(step, owner, desired));
  }

  if (current.name === desired.name && current.datasetGroupArn === desired.datasetGroupArn) {
    await updateTags(step, owner, current.arn, previous, desired);
    return answerFor(current);
  }

  const currentInTheWay = current.datasetGroupArn === desired.datasetGroupArn || current.name === desired.name;
  if (currentInTheWay && desired.retain) {
    throw new DeploymentFailure(`Cannot replace event tracker '${current.name}' (${current.arn}) with '${desired.name}' in dataset group ${desired.datasetGroupArn}: its removal policy is RETAIN${desired.takeOverArn ? ' (a taken-over tracker is kept while takeOverEventTrackerArn is set)' : ''}, so this stack does not delete it, and Personalize allows one tracker per dataset group and each name once. Deploy this change with removalPolicy DESTROY${desired.takeOverArn ? ' and without takeOverEventTrackerArn' : ''}, or delete the old tracker yourself first.`);
  }
  const adoptable = await prepareTargetSlot(step, owner, current, desired);
  if (adoptable) {
    await updateTags(step, owner, adoptable.arn, undefined, desired);
    return answerFor(adoptable);
  }
  if (currentInTheWay) {
    logStep({ requestType: step.requestType, step: 'replacing-delete-first', eventTrackerArn: current.arn });
    await deleteAndWaitUntilGone(step, current.arn);
  } else {
    logStep({ requestType: step.requestType, step: 'replacing-create-first', eventTrackerArn: current.arn });
  }
  return answerForNewTracker(step, await createTracker(step, owner, desired));
}

/**
 * Brings the tracker's tags to the desired ones: removes the keys the previous properties had (all
 * but the desired ones, when they are unknown), sets what differs, and adds the ownership proof if a
 * tracker made by an older version lacks it. The proof itself is never removed.
 */
async function updateTags(step: Step, owner: Owner, arn: string, previous: PreviousTracker | undefined, desired: DesiredTracker): Promise<void> {
  const actual = await listTags(step, arn) ?? new Map<string, string>();
  if (classify(owner, arn, actual) === Ownership.FOREIGN) {
    throw new DeploymentFailure(managedElsewhere(arn, actual.get(OWNERSHIP_TAG_KEY)));
  }
  const wanted = new Map([...desired.tags, [OWNERSHIP_TAG_KEY, ownershipProof(owner).tagValue]]);
  const candidates = previous ? [...previous.tags.keys()] : [...actual.keys()];
  const removed = candidates.filter((key) => !wanted.has(key) && actual.has(key) && !key.startsWith('aws:'));
  const changed = [...wanted].filter(([key, value]) => actual.get(key) !== value);
  if (removed.length > 0) {
    await step.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: removed }), callOptions(step));
  }
  if (changed.length > 0) {
    const tags = changed.map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
    await step.client.send(new TagResourceCommand({ resourceArn: arn, tags }), callOptions(step));
  }
  logStep({ requestType: step.requestType, step: 'tags-updated', eventTrackerArn: arn, removed: removed.length, set: changed.length });
}
