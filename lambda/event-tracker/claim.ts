import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-personalize';
import { Owner, ownershipProof, ProofFlag, proofFlags } from './ownership';
import { DesiredTracker } from './properties';
import { callOptions, Step } from './step';
import { listTags } from './trackers';
import { RELEASED_TAG_KEY } from '../../src/private/handler-contract';

/**
 * Makes an adopted tracker of ours the template's again: the released tag goes, and the declared
 * tags and the proof are set (the proof without a replacement's fate, but still saying "taken over").
 * Tags the template does not declare are left: which of them an earlier template declared is unknown.
 */
export async function claim(step: Step, owner: Owner, arn: string, desired: Pick<DesiredTracker, 'tags'>): Promise<void> {
  const actual = await listTags(step, arn) ?? new Map<string, string>();
  const flags = new Set([...proofFlags(owner, actual)].filter((flag) => flag === ProofFlag.TAKEN_OVER));
  const proof = ownershipProof(owner, flags);
  if (actual.has(RELEASED_TAG_KEY)) {
    await step.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [RELEASED_TAG_KEY] }), callOptions(step));
  }
  const wanted = new Map([...desired.tags, [proof.tagKey, proof.tagValue]]);
  const changed = [...wanted].filter(([key, value]) => actual.get(key) !== value).map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
  if (changed.length > 0) {
    await step.client.send(new TagResourceCommand({ resourceArn: arn, tags: changed }), callOptions(step));
  }
}
