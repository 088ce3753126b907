import { RemovalPolicy, TagManager, Token } from 'aws-cdk-lib';
import { datasetGroupArnProblems, eventTrackerNameProblems, tagProblems } from './validation-rules';
import type { EventTrackerProps } from '../event-tracker';

/** Throws one Error listing every problem of the props. Values that are tokens are checked at deploy time. */
export function validateEventTrackerProps(props: EventTrackerProps, removalPolicy: RemovalPolicy): void {
  const datasetGroupArn = props.datasetGroup.datasetGroupRef.datasetGroupArn;
  const problems = [
    ...(props.eventTrackerName !== undefined && !Token.isUnresolved(props.eventTrackerName) ? eventTrackerNameProblems(props.eventTrackerName) : []),
    ...(!Token.isUnresolved(datasetGroupArn) ? datasetGroupArnProblems(datasetGroupArn) : []),
    ...tagProblems(resolvedPairs(Object.entries(props.tags ?? {}))),
    ...removalPolicyProblems(removalPolicy),
  ];
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
}

export function validateRemovalPolicy(removalPolicy: RemovalPolicy): void {
  const problems = removalPolicyProblems(removalPolicy);
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
}

function removalPolicyProblems(removalPolicy: RemovalPolicy): string[] {
  return removalPolicy === RemovalPolicy.SNAPSHOT
    ? ['removalPolicy SNAPSHOT is not supported: an event tracker has no snapshot. Use RemovalPolicy.DESTROY or RemovalPolicy.RETAIN.']
    : [];
}

/** The final tags, once Tags.of() has added its own (validation runs after aspects). */
export function validateTags(tags: TagManager): string[] {
  return tagProblems(resolvedPairs(Object.entries(tags.tagValues())));
}

/** Pairs with a token key or value keep their place in the count but are not checked. */
function resolvedPairs(pairs: Array<[string, string]>): Array<[string, string]> {
  return pairs.map(([key, value]) => [
    Token.isUnresolved(key) ? 'token' : key,
    Token.isUnresolved(value) ? '' : value,
  ]);
}
