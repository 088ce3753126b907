import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-personalize';
import type { CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { answerFor, answerForNewTracker } from './answer';
import { claim } from './claim';
import { createTracker } from './create-tracker';
import { deleteAndWaitUntilGone } from './delete-tracker';
import { DeploymentFailure } from './deployment-failure';
import { logStep, logWarning } from './log';
import { managedElsewhere } from './messages';
import { classify, isOwn, Owner, ownerOf, Ownership, ownershipProof, ProofFlag, proofFlags } from './ownership';
import { DesiredTracker, parseDesiredTracker, parsePreviousTracker, PreviousTracker } from './properties';
import { OnEventResponse } from './provider-types';
import { prepareTargetSlot, removeLeftoverOfFailedProperties } from './replacement';
import { callOptions, Step } from './step';
import { describeTracker, isDeleting, isEventTrackerArn, listTags, Tracker, TrackerStatus } from './trackers';
import { HANDLER_TAG_KEY_PREFIX, OWNERSHIP_TAG_KEY, RELEASED_TAG_KEY } from '../../src/private/handler-contract';

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

  let current = await currentTracker(step, owner, event.PhysicalResourceId, previous);
  if (current && (isDeleting(current.tracker.status) || current.tracker.status === TrackerStatus.CREATE_FAILED)) {
    await deleteAndWaitUntilGone(step, current.tracker.arn);
    current = undefined;
  }
  await removeLeftoverOfFailedProperties(step, owner, previous, desired, current?.tracker);

  if (!current) {
    logWarning({
      requestType: step.requestType,
      step: 'recreating',
      physicalResourceId: event.PhysicalResourceId,
      reason: 'The event tracker no longer exists (deleted outside CloudFormation?). Creating it again: its trackingId changes.',
    });
    return answerForNewTracker(step, await createTracker(step, owner, desired));
  }
  const { tracker, tags } = current;
  const flags = proofFlags(owner, tags);

  if (tracker.name === desired.name && tracker.datasetGroupArn === desired.datasetGroupArn) {
    // The template's tracker: a fate recorded for a replacement that rolled back no longer applies.
    await updateTags(step, owner, tracker.arn, tags, previous, desired, withoutReplacementFate(flags));
    return answerFor(tracker);
  }

  // A taken-over tracker stays kept until the user chooses DESTROY explicitly.
  const keepCurrent = desired.retain || (flags.has(ProofFlag.TAKEN_OVER) && !desired.destroyExplicitly);
  const currentInTheWay = tracker.datasetGroupArn === desired.datasetGroupArn || tracker.name === desired.name;
  if (currentInTheWay && keepCurrent) {
    throw new DeploymentFailure(`Cannot replace event tracker '${tracker.name}' (${tracker.arn}) with '${desired.name}' in dataset group ${desired.datasetGroupArn}: it is kept (removal policy RETAIN, or taken over and no removalPolicy DESTROY chosen), so this stack does not delete it, and Personalize allows one tracker per dataset group and each name once. Deploy this change with removalPolicy DESTROY${desired.takeOverArn ? ' and without takeOverEventTrackerArn' : ''}, or delete the old tracker yourself first.`);
  }
  const adoptable = await prepareTargetSlot(step, owner, tracker, desired);
  if (adoptable) {
    // An older tracker of ours not yet released is the one this update's rollback returns to; a released
    // one is a move back to a tracker kept long ago.
    const released = (await listTags(step, adoptable.arn))?.has(RELEASED_TAG_KEY) ?? false;
    const rollingBack = !released && isOlder(adoptable.creationDateTime, tracker.creationDateTime);
    // A rollback to the tracker the update replaced: the one the update made goes, whatever the old
    // properties say. A second delivery of this update: the current tracker's fate as the first decided.
    await setFlags(step, owner, tracker.arn, tags, rollingBack ? ProofFlag.DISCARD : keepCurrent ? ProofFlag.KEEP : ProofFlag.DISCARD);
    await claim(step, owner, adoptable.arn, desired);
    return answerFor(adoptable);
  }
  if (currentInTheWay) {
    logStep({ requestType: step.requestType, step: 'replacing-delete-first', eventTrackerArn: tracker.arn });
    await deleteAndWaitUntilGone(step, tracker.arn);
  } else {
    // CloudFormation's cleanup Delete carries the old properties: the new ones decide, so say it now.
    await setFlags(step, owner, tracker.arn, tags, keepCurrent ? ProofFlag.KEEP : ProofFlag.DISCARD);
    logStep({ requestType: step.requestType, step: 'replacing-create-first', eventTrackerArn: tracker.arn });
  }
  return answerForNewTracker(step, await createTracker(step, owner, desired));
}

/**
 * The tracker of the physical id, with its tags, if it is this resource's. One that carries another
 * resource's proof, or no proof and not the name and dataset group the old properties gave it (with
 * name-style ARNs, someone else's later namesake), is not: it is never touched.
 */
async function currentTracker(step: Step, owner: Owner, physicalResourceId: string, previous: PreviousTracker): Promise<CurrentTracker | undefined> {
  if (!isEventTrackerArn(physicalResourceId)) {
    return undefined;
  }
  const tracker = await describeTracker(step, physicalResourceId);
  const tags = tracker && await listTags(step, physicalResourceId);
  if (!tracker || !tags) {
    return undefined;
  }
  const matchesExpected = (previous.name === undefined || previous.name === tracker.name)
    && (previous.datasetGroupArn === undefined || previous.datasetGroupArn === tracker.datasetGroupArn);
  const ownership = classify(owner, tracker.arn, tags, matchesExpected);
  if (ownership === Ownership.FOREIGN) {
    throw new DeploymentFailure(managedElsewhere(tracker.arn, tags.get(OWNERSHIP_TAG_KEY)));
  }
  if (!isOwn(ownership)) {
    logWarning({ requestType: step.requestType, step: 'physical-id-not-ours', eventTrackerArn: tracker.arn, reason: 'The tracker at the physical id carries no ownership tag and not the expected name and dataset group: it is left alone.' });
    return undefined;
  }
  return { tracker, tags };
}

interface CurrentTracker {
  readonly tracker: Tracker;
  readonly tags: Map<string, string>;
}

function isOlder(a: Date | undefined, b: Date | undefined): boolean {
  return a !== undefined && b !== undefined && a.getTime() < b.getTime();
}

function withoutReplacementFate(flags: ReadonlySet<ProofFlag>): Set<ProofFlag> {
  return new Set([...flags].filter((flag) => flag !== ProofFlag.KEEP && flag !== ProofFlag.DISCARD));
}

/** Records the tracker's fate in its proof, keeping the flags that are not about replacement. */
async function setFlags(step: Step, owner: Owner, arn: string, tags: ReadonlyMap<string, string>, fate: ProofFlag): Promise<void> {
  const flags = withoutReplacementFate(proofFlags(owner, tags));
  flags.add(fate);
  await step.client.send(new TagResourceCommand({ resourceArn: arn, tags: [ownershipProof(owner, flags)] }), callOptions(step));
}

/**
 * Brings the tracker's tags to the desired ones: removes the keys the previous properties had (all
 * but the desired ones, when they are unknown), sets what differs, and adds the ownership proof (with
 * `flags`) if it lacks it. The proof itself is never removed.
 */
async function updateTags(
  step: Step,
  owner: Owner,
  arn: string,
  actual: ReadonlyMap<string, string>,
  previous: PreviousTracker | undefined,
  desired: DesiredTracker,
  flags: ReadonlySet<ProofFlag>,
): Promise<void> {
  const wanted = new Map([...desired.tags, [OWNERSHIP_TAG_KEY, ownershipProof(owner, flags).tagValue]]);
  const candidates = previous ? [...previous.tags.keys()] : [...actual.keys()];
  const removed = candidates.filter((key) => !wanted.has(key) && actual.has(key) && !key.startsWith('aws:') && !key.startsWith(HANDLER_TAG_KEY_PREFIX));
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
