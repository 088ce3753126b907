import { createHash } from 'crypto';
import { Calls, listTags } from './trackers';
import { OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';

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
  /** Carries no proof and is not the physical id: someone else's, or released by a stack that kept it. */
  UNCLAIMED: 'unclaimed',
} as const;
export type Ownership = typeof Ownership[keyof typeof Ownership];

/** The custom resource asking: the fields of a CloudFormation request that identify it. */
export interface Owner {
  readonly stackId: string;
  readonly logicalResourceId: string;
  /** Absent in a Create. */
  readonly physicalResourceId?: string;
}

export function ownerOf(event: { StackId: string; LogicalResourceId: string; PhysicalResourceId?: string }): Owner {
  return { stackId: event.StackId, logicalResourceId: event.LogicalResourceId, physicalResourceId: event.PhysicalResourceId };
}

/**
 * The ownership tag's value: the stack's name, readable in the console, and a hash of the stack id
 * (unique per stack, even for a stack re-created under the same name) and the logical id. At most
 * 128 + 1 + 40 characters, within Personalize's 256, and no account id or region in clear.
 */
export function ownershipProof(owner: Owner): { tagKey: string; tagValue: string } {
  const stackName = owner.stackId.split(':stack/')[1]?.split('/')[0] ?? 'stack';
  const hash = createHash('sha256').update(`${owner.stackId}|${owner.logicalResourceId}`).digest('hex').slice(0, 40);
  return { tagKey: OWNERSHIP_TAG_KEY, tagValue: `${stackName}/${hash}` };
}

/**
 * Classifies a tracker from its tags. Another resource's proof makes even the physical id foreign
 * (a name-style ARN reused by someone else's tracker, or a tracker another stack took over); a
 * physical id without any proof is a tracker an older version of this library created. Only CURRENT
 * and LEFTOVER trackers are this resource's; the others are never changed or deleted, except that an
 * UNCLAIMED one may be taken over when the user names it by its ARN.
 */
export function classify(owner: Owner, arn: string, tags: ReadonlyMap<string, string>): Ownership {
  const proof = tags.get(OWNERSHIP_TAG_KEY);
  if (proof !== undefined && proof !== ownershipProof(owner).tagValue) {
    return Ownership.FOREIGN;
  }
  if (arn === owner.physicalResourceId) {
    return Ownership.CURRENT;
  }
  return proof === undefined ? Ownership.UNCLAIMED : Ownership.LEFTOVER;
}

/** Reads the tracker's tags and classifies it; undefined when Personalize does not know it (or not yet). */
export async function ownershipOf(calls: Calls, owner: Owner, arn: string): Promise<Ownership | undefined> {
  const tags = await listTags(calls, arn);
  return tags && classify(owner, arn, tags);
}

/** The stack named in another resource's proof, for failure messages. */
export function claimingStack(tags: ReadonlyMap<string, string>): string | undefined {
  return tags.get(OWNERSHIP_TAG_KEY)?.split('/')[0];
}

/** Whether the tracker may be changed or deleted by this resource. */
export function isOwn(ownership: Ownership | undefined): boolean {
  return ownership === Ownership.CURRENT || ownership === Ownership.LEFTOVER;
}
