import { createHash } from 'crypto';
import { Calls, describeTracker, listTags } from './trackers';
import { OWNERSHIP_TAG_KEY, RELEASED_TAG_KEY } from '../../src/private/handler-contract';

/**
 * Whose a tracker is, the one question every request type asks before it adopts, changes or
 * deletes a tracker. Names and ages are never proof: only the physical id and the ownership tag.
 */
export const Ownership = {
  /** The resource's physical id: the tracker CloudFormation holds for this resource. */
  CURRENT: 'current',
  /** Carries this resource's proof without being its physical id: a retry's, a rollback's or a leftover. */
  LEFTOVER: 'leftover',
  /** Carries another resource's proof: another stack's, or another resource's of this stack. */
  FOREIGN: 'foreign',
  /**
   * This resource's, but kept by its removal policy: released (it carries the released tag with this
   * resource's proof), or to be released by a cleanup. Adopted again when it is exactly the tracker
   * asked for, never deleted.
   */
  KEPT: 'kept',
  /** Carries no proof and is not the physical id: someone else's, or released by another stack. */
  UNCLAIMED: 'unclaimed',
} as const;
export type Ownership = typeof Ownership[keyof typeof Ownership];

/**
 * What the proof also records about the tracker's future, decided when it is known and read when
 * CloudFormation's Delete arrives (whose properties may be the old ones).
 */
export const ProofFlag = {
  /** Taken over by its ARN: kept when it leaves the stack unless the properties say Destroy explicitly. */
  TAKEN_OVER: 't',
  /** Replaced by an update whose removal policy keeps it: released, not deleted, by the cleanup Delete. */
  KEEP: 'k',
  /** Made by an update that was rolled back, or replaced under DESTROY: deleted whatever the old properties say. */
  DISCARD: 'd',
} as const;
export type ProofFlag = typeof ProofFlag[keyof typeof ProofFlag];

/** The custom resource asking: the fields of a CloudFormation request that identify it. */
export interface Owner {
  readonly stackId: string;
  readonly logicalResourceId: string;
  /** Absent in a Create. */
  readonly physicalResourceId?: string;
}

/** The name and dataset group the physical id's tracker should have, when the request says. */
export interface Expected {
  readonly name?: string;
  readonly datasetGroupArn?: string;
}

export function ownerOf(event: { StackId: string; LogicalResourceId: string; PhysicalResourceId?: string }): Owner {
  return { stackId: event.StackId, logicalResourceId: event.LogicalResourceId, physicalResourceId: event.PhysicalResourceId };
}

/**
 * The ownership tag: the stack's name, readable in the console, and a hash of the stack id (unique
 * per stack, even for a stack re-created under the same name) and the logical id, then the flags.
 * At most 128 + 1 + 40 + 4 characters, within Personalize's 256, and no account id or region in clear.
 */
export function ownershipProof(owner: Owner, flags: ReadonlySet<ProofFlag> = new Set()): { tagKey: string; tagValue: string } {
  const stackName = owner.stackId.split(':stack/')[1]?.split('/')[0] ?? 'stack';
  const hash = createHash('sha256').update(`${owner.stackId}|${owner.logicalResourceId}`).digest('hex').slice(0, 40);
  const suffix = flags.size > 0 ? `/${[...flags].sort().join('')}` : '';
  return { tagKey: OWNERSHIP_TAG_KEY, tagValue: `${stackName}/${hash}${suffix}` };
}

/** The flags of this resource's proof on a tracker (none when it carries no proof of ours). */
export function proofFlags(owner: Owner, tags: ReadonlyMap<string, string>): Set<ProofFlag> {
  const value = tags.get(OWNERSHIP_TAG_KEY);
  if (value === undefined || !isProofOf(owner, value)) {
    return new Set();
  }
  return new Set([...(value.split('/')[2] ?? '')].filter((flag): flag is ProofFlag => Object.values<string>(ProofFlag).includes(flag)));
}

function isProofOf(owner: Owner, value: string): boolean {
  return value.split('/').slice(0, 2).join('/') === ownershipProof(owner).tagValue;
}

/**
 * Classifies a tracker from its tags. Another resource's proof makes even the physical id foreign
 * (a tracker another stack took over). The physical id without any proof is current only if it has
 * the name and dataset group the request expects: with name-style ARNs, someone else's later tracker
 * of the same name would have the same ARN. Only CURRENT and LEFTOVER trackers are this resource's;
 * the others are never changed or deleted, except that an UNCLAIMED one may be taken over when the
 * user names it by its ARN.
 */
export function classify(owner: Owner, arn: string, tags: ReadonlyMap<string, string>, matchesExpected = true): Ownership {
  const proof = tags.get(OWNERSHIP_TAG_KEY);
  if (proof !== undefined && !isProofOf(owner, proof)) {
    return Ownership.FOREIGN;
  }
  if (arn === owner.physicalResourceId && (proof !== undefined || matchesExpected)) {
    return Ownership.CURRENT;
  }
  if (proof === undefined) {
    return tags.get(RELEASED_TAG_KEY) === ownershipProof(owner).tagValue ? Ownership.KEPT : Ownership.UNCLAIMED;
  }
  return proofFlags(owner, tags).has(ProofFlag.KEEP) ? Ownership.KEPT : Ownership.LEFTOVER;
}

/**
 * Whether a tracker of this resource that is not its physical id was created after this invocation
 * began: then another request of the same resource made it meanwhile (CloudFormation's rollback,
 * while a second delivery of the update that failed still runs), and CloudFormation may hold it now.
 * Such a tracker is never deleted as a leftover: the request fails instead. Unknown times count as
 * older, as leftovers of earlier attempts always are.
 */
export function madeMeanwhile(step: { readonly startedAt: number }, tracker: { readonly creationDateTime?: Date }): boolean {
  return (tracker.creationDateTime?.getTime() ?? -Infinity) >= step.startedAt;
}

/** Whether the tracker may be adopted when it is exactly the one asked for. */
export function isAdoptable(ownership: Ownership | undefined): boolean {
  return ownership === Ownership.LEFTOVER || ownership === Ownership.KEPT || ownership === Ownership.CURRENT;
}

/**
 * Reads the tracker's tags and classifies it; undefined when Personalize does not know it (or not
 * yet). A physical id without proof is described and compared with `expected`.
 */
export async function ownershipOf(calls: Calls, owner: Owner, arn: string, expected?: Expected): Promise<Ownership | undefined> {
  const tags = await listTags(calls, arn);
  if (!tags) {
    return undefined;
  }
  let matchesExpected = true;
  if (arn === owner.physicalResourceId && !tags.has(OWNERSHIP_TAG_KEY) && expected) {
    const tracker = await describeTracker(calls, arn);
    matchesExpected = tracker !== undefined
      && (expected.name === undefined || tracker.name === expected.name)
      && (expected.datasetGroupArn === undefined || tracker.datasetGroupArn === expected.datasetGroupArn);
  }
  return classify(owner, arn, tags, matchesExpected);
}

/** The stack named in another resource's proof, for failure messages. */
export function claimingStack(tags: ReadonlyMap<string, string>): string | undefined {
  return tags.get(OWNERSHIP_TAG_KEY)?.split('/')[0];
}

/** Whether the tracker may be changed or deleted by this resource. */
export function isOwn(ownership: Ownership | undefined): boolean {
  return ownership === Ownership.CURRENT || ownership === Ownership.LEFTOVER;
}
