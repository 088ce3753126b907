import { createHash } from 'crypto';
import type { Lenient } from './request';
import { OWNERSHIP_TAG_KEY, RELEASED_TAG_KEY } from '../../src/private/handler-contract';

/**
 * What the ownership tag records besides whose the tracker is. State that must outlive a request
 * lives here, on the tracker, and is always written in one TagResource call.
 */
export const Flag = {
  /** Taken over by its ARN: it existed before the stack, and is kept when it leaves unless DESTROY is chosen explicitly. */
  TAKEN_OVER: 't',
  /** Adopted again after it was kept: it existed before the operation that brought it back. */
  ADOPTED: 'a',
  /** Replaced, and kept by the template that replaced it: CloudFormation's cleanup Delete releases it. */
  KEEP: 'k',
  /** Replaced, and not kept: CloudFormation's cleanup Delete deletes it, whatever the old properties say. */
  DISCARD: 'd',
  /** Left the stack and kept: the tag proves nothing any more, but tells this resource that it let it go. */
  RELEASED: 'r',
} as const;
export type Flag = typeof Flag[keyof typeof Flag];

/** The custom resource a proof belongs to: the stack (its id holds a UUID) and the logical id. */
export interface Owner {
  readonly stackId: string;
  readonly logicalResourceId: string;
}

/**
 * Whose a tracker is, by its ownership tag: the only proof there is (names and ages are none). For
 * this resource's, also the request that made it (`origin`, see originOf), when this version made it.
 */
export type Claim =
  | { readonly by: 'this'; readonly flags: ReadonlySet<Flag>; readonly origin?: string }
  | { readonly by: 'other'; readonly stack: string; readonly released: boolean }
  | { readonly by: 'nobody' };

/**
 * The ownership tag's value: the stack's name (readable in the console), 40 hex of
 * sha256(StackId | LogicalResourceId) (no account id in clear; a stack created again under the
 * same name has another id), then the flags, then the origin of a tracker the handler created. At
 * most 128 + 1 + 40 + 1 + 6 + 1 + 8 characters (Personalize allows 256).
 */
export function proofValue(owner: Owner, flags: Iterable<Flag> = [], origin?: string): string {
  const sorted = [...new Set(flags)].sort().join('');
  if (origin !== undefined) {
    return `${bareProof(owner)}/${sorted}/${origin}`;
  }
  return sorted ? `${bareProof(owner)}/${sorted}` : bareProof(owner);
}

/**
 * What a tracker the handler creates records of the request that made it: 8 hex of sha256 of the
 * properties before (none for a Create) and after. CloudFormation's rollback of an update carries
 * that update's properties the other way round, so it can tell the tracker that update made from
 * one made earlier (a twin or a stale delivery of the update, which also reads
 * UPDATE_ROLLBACK_IN_PROGRESS, takes itself for the rollback).
 */
export function originOf(before: Lenient | undefined, after: Lenient): string {
  return createHash('sha256').update(JSON.stringify([identity(before), identity(after)])).digest('hex').slice(0, 8);
}

function identity(properties: Lenient | undefined): unknown {
  if (properties === undefined) {
    return null;
  }
  const { name, datasetGroupArn, removal, takeOverArn, tags } = properties;
  const sortedTags = [...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [name ?? null, datasetGroupArn ?? null, removal.policy, removal.explicit, takeOverArn ?? null, sortedTags];
}

const proofs = new Map<string, string>();

function bareProof(owner: Owner): string {
  const key = `${owner.stackId}|${owner.logicalResourceId}`;
  let proof = proofs.get(key);
  if (proof === undefined) {
    const stackName = owner.stackId.split(':stack/')[1]?.split('/')[0] ?? 'stack';
    proof = `${stackName}/${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
    // One invocation asks for one or two owners; the bound only matters to a long test run.
    if (proofs.size > 100) proofs.clear();
    proofs.set(key, proof);
  }
  return proof;
}

/** Reads the claim from a tracker's tags. A released tag is how versions before the r flag released a tracker. */
export function claimOf(owner: Owner, tags: ReadonlyMap<string, string>): Claim {
  const proof = tags.get(OWNERSHIP_TAG_KEY);
  const released = tags.get(RELEASED_TAG_KEY);
  const value = proof ?? (released !== undefined ? `${released}/${Flag.RELEASED}` : undefined);
  if (value === undefined) {
    return { by: 'nobody' };
  }
  const [stack, hash, flagText = '', origin] = value.split('/');
  const flags = new Set([...flagText].filter((flag): flag is Flag => Object.values<string>(Flag).includes(flag)));
  if (`${stack}/${hash}` === bareProof(owner)) {
    return origin ? { by: 'this', flags, origin } : { by: 'this', flags };
  }
  return { by: 'other', stack, released: flags.has(Flag.RELEASED) };
}
