import { createHash } from 'crypto';

/**
 * The proof of ownership the handler puts on every tracker it creates: a tag of the
 * library's own whose value names the stack and hashes the StackId and LogicalResourceId, so it fits
 * 256 characters and shows no account data. Spelled out here, not imported from the handler, so the
 * check does not take the handler's word for what the proof is.
 */
export const PROOF_TAG_KEY = 'cdk-personalize-event-tracker:owner';

export function proofValue(stackId: string, logicalResourceId: string): string {
  const stackName = stackId.split('/')[1] ?? stackId;
  const digest = createHash('sha256').update(`${stackId}|${logicalResourceId}`).digest('hex').slice(0, 40);
  return `${stackName}/${digest}`;
}

/** The handler's released tag: on a tracker kept by RETAIN that left its stack. */
export const RELEASED_TAG_KEY = 'cdk-personalize-event-tracker:released';

/** A tracker's tags without the handler's own: the user's tags. */
export function userTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !key.startsWith('cdk-personalize-event-tracker:')));
}

/** Kept under RETAIN by the handler: released, or its proof flagged 'k' (to be released by the cleanup). */
export function isKept(tags: Readonly<Record<string, string>>): boolean {
  const flags = (tags[PROOF_TAG_KEY] ?? '').split('/')[2] ?? '';
  return tags[RELEASED_TAG_KEY] !== undefined || flags.includes('k');
}
