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

/** The proof's flags (after a second '/'): 't' taken over, 'a' adopted again, 'k'/'d' a replaced tracker's fate, 'r' released. */
export function proofFlags(tags: Readonly<Record<string, string>>): string {
  return (tags[PROOF_TAG_KEY] ?? '').split('/')[2] ?? '';
}

/** Versions before the 'r' flag released a kept tracker by replacing the proof with this tag. */
const RELEASED_TAG_KEY = 'cdk-personalize-event-tracker:released';

/** A tracker's tags without the handler's own: the user's tags. */
export function userTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !key.startsWith('cdk-personalize-event-tracker:')));
}

/** Kept under RETAIN by the handler: released (flag 'r'), or flagged 'k' (to be released by the cleanup). */
export function isKept(tags: Readonly<Record<string, string>>): boolean {
  return tags[RELEASED_TAG_KEY] !== undefined || /[rk]/.test(proofFlags(tags));
}
