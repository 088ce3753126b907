import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-personalize';
import { isNotFound } from './errors';
import { logStep } from './log';
import { classify, isOwn, Owner, ownershipProof, ProofFlag, proofFlags } from './ownership';
import { isRetained } from './properties';
import { callOptions, Step } from './step';
import { Calls, describeTracker, isDeleting, listTags, TrackerStatus } from './trackers';
import { DESTROY, OWNERSHIP_TAG_KEY, RELEASED_TAG_KEY, ResourcePropertyKey } from '../../src/private/handler-contract';

/** What a Delete does to the tracker of its physical id. */
export const Departure = {
  DELETE: 'delete',
  /** Kept and released: the ownership tag gives way to the released tag. */
  RELEASE: 'release',
  /** Already released by this resource (a second delivery of the Delete): nothing to do. */
  RELEASED: 'released',
  /** Not this resource's: left alone. */
  LEAVE: 'leave',
} as const;
export type Departure = typeof Departure[keyof typeof Departure];

type Properties = Record<string, unknown> | undefined;

/**
 * Decides the fate of a tracker leaving the stack. What the proof recorded when it was known (kept
 * or discarded by a replacement, taken over) comes before the Delete's properties, which in
 * CloudFormation's cleanup are the old ones.
 */
export async function departureOf(calls: Calls, owner: Owner, arn: string, properties: Properties): Promise<{ departure: Departure }> {
  const tags = await listTags(calls, arn);
  if (!tags) {
    return { departure: Departure.LEAVE };
  }
  if (!tags.has(OWNERSHIP_TAG_KEY) && tags.get(RELEASED_TAG_KEY) === ownershipProof(owner).tagValue) {
    return { departure: Departure.RELEASED };
  }
  const tracker = await describeTracker(calls, arn);
  if (!tracker) {
    return { departure: Departure.LEAVE };
  }
  const matchesExpected = tracker.name === properties?.[ResourcePropertyKey.EVENT_TRACKER_NAME]
    && tracker.datasetGroupArn === properties?.[ResourcePropertyKey.DATASET_GROUP_ARN];
  if (!isOwn(classify(owner, arn, tags, matchesExpected))) {
    return { departure: Departure.LEAVE };
  }
  if (tracker.status === TrackerStatus.CREATE_FAILED || isDeleting(tracker.status)) {
    // Nothing worth keeping: a tracker that never became ACTIVE, or one already on its way out.
    return { departure: Departure.DELETE };
  }
  const flags = proofFlags(owner, tags);
  const destroyExplicitly = properties?.[ResourcePropertyKey.REMOVAL_POLICY] === DESTROY;
  const keep = flags.has(ProofFlag.DISCARD) ? false
    : flags.has(ProofFlag.KEEP) ? true
      : flags.has(ProofFlag.TAKEN_OVER) ? !destroyExplicitly
        : isRetained(properties);
  return { departure: keep ? Departure.RELEASE : Departure.DELETE };
}

/**
 * A kept tracker leaving the stack: it stays, and its ownership tag gives way to the released tag,
 * so that any stack may take it over, while a second delivery of this Delete knows it is done.
 * The ownership tag goes first, so the tracker never holds more than one tag of the handler's.
 */
export async function release(step: Step, owner: Owner, arn: string): Promise<void> {
  try {
    await step.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [OWNERSHIP_TAG_KEY] }), callOptions(step));
    const released = { tagKey: RELEASED_TAG_KEY, tagValue: ownershipProof(owner).tagValue };
    await step.client.send(new TagResourceCommand({ resourceArn: arn, tags: [released] }), callOptions(step));
  } catch (error) {
    if (!isNotFound(error)) {
      throw error;
    }
    // Gone meanwhile (deleted outside the stack): nothing left to keep.
  }
  logStep({ requestType: step.requestType, step: 'released', eventTrackerArn: arn });
}
