import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-personalize';
import { CreatedTracker } from './create-tracker';
import { DeploymentFailure } from './deployment-failure';
import { logStep } from './log';
import { claimingStack, classify, Owner, Ownership, ownershipProof, ProofFlag } from './ownership';
import { DesiredTracker } from './properties';
import { callOptions, Step } from './step';
import { describeTracker, listTags, TrackerStatus } from './trackers';
import { OWNERSHIP_TAG_KEY, RELEASED_TAG_KEY } from '../../src/private/handler-contract';


/**
 * Takes over the existing tracker the user named by its ARN, keeping its trackingId: only if it is
 * ACTIVE, its name and dataset group are the declared ones, and no other resource holds it. Then
 * the declared tags and the ownership proof (flagged as taken over) are added. Anything else fails
 * with nothing changed. `tagged` is set once this invocation has put its proof on a tracker that
 * did not carry it, so that a failure after that point takes it off again, and only then.
 */
export async function takeOver(step: Step, owner: Owner, desired: DesiredTracker, arn: string, tagged: { value: boolean }): Promise<CreatedTracker> {
  const tracker = await describeTracker(step, arn);
  if (!tracker) {
    throw new DeploymentFailure(`Cannot take over event tracker ${arn}: Personalize knows no tracker with this ARN in this account and region. Nothing was changed. Check takeOverEventTrackerArn (aws personalize list-event-trackers lists the ARNs).`);
  }
  const differences = [
    ...(tracker.name === desired.name ? [] : [`eventTrackerName is '${desired.name}', but the tracker is named '${tracker.name}'`]),
    ...(tracker.datasetGroupArn === desired.datasetGroupArn ? [] : [`datasetGroup is ${desired.datasetGroupArn}, but the tracker belongs to ${tracker.datasetGroupArn}`]),
    ...(tracker.status === TrackerStatus.ACTIVE ? [] : [`the tracker is ${tracker.status}, not ACTIVE`]),
  ];
  if (differences.length > 0) {
    throw new DeploymentFailure(`Cannot take over event tracker ${arn}: ${differences.join('; ')}. Nothing was changed. Declare the tracker as it is (its name and dataset group), then deploy again.`);
  }
  const tags = await listTags(step, arn) ?? new Map<string, string>();
  const ownership = classify(owner, arn, tags);
  if (ownership === Ownership.FOREIGN) {
    throw new DeploymentFailure(`Cannot take over event tracker ${arn}: stack '${claimingStack(tags)}' manages it (it carries that stack's ownership tag ${OWNERSHIP_TAG_KEY}). Nothing was changed. `
      + 'Remove the tracker from that stack first (kept trackers are released then), then deploy again. If that stack no longer exists, remove the tag yourself: '
      + `aws personalize untag-resource --resource-arn ${arn} --tag-keys ${OWNERSHIP_TAG_KEY}`);
  }
  if (tags.has(RELEASED_TAG_KEY)) {
    await step.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [RELEASED_TAG_KEY] }), callOptions(step));
  }
  const declared = [...desired.tags].map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
  tagged.value = ownership === Ownership.UNCLAIMED;
  await step.client.send(new TagResourceCommand({
    resourceArn: arn,
    tags: [...declared, ownershipProof(owner, new Set([ProofFlag.TAKEN_OVER]))],
  }), callOptions(step));
  logStep({ requestType: step.requestType, step: ownership === Ownership.LEFTOVER ? 'taken-over-again' : 'taken-over', eventTrackerArn: arn });
  return { arn, name: tracker.name, trackingId: tracker.trackingId };
}
