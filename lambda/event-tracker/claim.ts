import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-personalize';
import { Owner, ownershipProof, ProofFlag, proofFlags } from './ownership';
import { DesiredTracker } from './properties';
import { callOptions, Step } from './step';
import { listTags } from './trackers';
import { HANDLER_TAG_KEY_PREFIX, RELEASED_TAG_KEY } from '../../src/private/handler-contract';
import { RESERVED_TAG_KEY_PREFIX } from '../../src/private/validation-rules';

/**
 * Makes an adopted tracker of ours the template's again: the released tag goes, tags the template
 * does not declare go (they were an earlier template's, as the tracker is ours), and the declared
 * tags and the proof are set (the proof without a replacement's fate, but still saying "taken over").
 */
export async function claim(step: Step, owner: Owner, arn: string, desired: Pick<DesiredTracker, 'tags'>): Promise<void> {
  const actual = await listTags(step, arn) ?? new Map<string, string>();
  const flags = new Set([...proofFlags(owner, actual)].filter((flag) => flag === ProofFlag.TAKEN_OVER));
  const proof = ownershipProof(owner, flags);
  const wanted = new Map([...desired.tags, [proof.tagKey, proof.tagValue]]);
  const undeclared = [...actual.keys()].filter((key) => !wanted.has(key) && !key.startsWith(RESERVED_TAG_KEY_PREFIX)
    && (key === RELEASED_TAG_KEY || !key.startsWith(HANDLER_TAG_KEY_PREFIX)));
  if (undeclared.length > 0) {
    await step.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: undeclared }), callOptions(step));
  }
  const changed = [...wanted].filter(([key, value]) => actual.get(key) !== value).map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
  if (changed.length > 0) {
    await step.client.send(new TagResourceCommand({ resourceArn: arn, tags: changed }), callOptions(step));
  }
}
