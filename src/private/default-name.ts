import { createHash } from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { EVENT_TRACKER_NAME_MAX_LENGTH } from './validation-rules';

const HASH_LENGTH = 8;

/**
 * A name unique per account and region and stable across deploys: the name of the nearest stack
 * (unique per account and region) plus the construct path below it, shortened when needed, and a
 * hash of both so shortened names stay distinct. It does not depend on the dataset group.
 */
export function defaultEventTrackerName(tracker: IConstruct): string {
  const stack = nearestNamedStack(tracker);
  const scopes = tracker.node.scopes;
  const pathBelowStack = scopes.slice(scopes.indexOf(stack) + 1).map((scope) => scope.node.id);
  const identity = [stack.stackName, ...pathBelowStack].join('/');
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, HASH_LENGTH);
  const readable = [stack.stackName, ...pathBelowStack]
    .join('-')
    .replace(/[^a-zA-Z0-9\-_]/g, '')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, EVENT_TRACKER_NAME_MAX_LENGTH - HASH_LENGTH - 1);
  return readable ? `${readable}-${hash}` : hash;
}

/** Nested stacks have a deploy-time name; their parent's name is known at synth time. */
function nearestNamedStack(construct: IConstruct): Stack {
  let stack = Stack.of(construct);
  while (Token.isUnresolved(stack.stackName) && stack.nestedStackParent) {
    stack = stack.nestedStackParent;
  }
  return stack;
}
