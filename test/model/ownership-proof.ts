import { createHash } from 'crypto';

/**
 * The proof of ownership the handler puts on every tracker it creates or takes over: a tag of the
 * library's own whose value names the stack and hashes the StackId and LogicalResourceId, so it fits
 * 256 characters and shows no account data. Spelled out here, not imported from the handler, so the
 * check does not take the handler's word for what the proof is (docs/design.md, "Ownership").
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

/** Released: it left its stack and was kept; the proof, if any, proves nothing any more. */
export function isReleased(tags: Readonly<Record<string, string>>): boolean {
  return tags[RELEASED_TAG_KEY] !== undefined || proofFlags(tags).includes('r');
}

/** Carries a proof that is not released: some resource claims it. */
export function isClaimed(tags: Readonly<Record<string, string>>): boolean {
  return tags[PROOF_TAG_KEY] !== undefined && !isReleased(tags);
}
