import { RemovalPolicy, Stack, TagManager, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { datasetGroupArnProblems, eventTrackerArnProblems, eventTrackerNameProblems, tagProblems } from './validation-rules';
import type { EventTrackerProps } from '../event-tracker';

/** Throws one Error listing every problem of the props. Values that are tokens are checked at deploy time. */
export function validateEventTrackerProps(scope: IConstruct, props: EventTrackerProps, removalPolicy: RemovalPolicy): void {
  const datasetGroupArn = props.datasetGroup.datasetGroupRef.datasetGroupArn;
  const problems = [
    ...(props.eventTrackerName !== undefined && !Token.isUnresolved(props.eventTrackerName) ? eventTrackerNameProblems(props.eventTrackerName) : []),
    ...(!Token.isUnresolved(datasetGroupArn) ? datasetGroupArnProblems(datasetGroupArn) : []),
    ...tagProblems(resolvedPairs(Object.entries(props.tags ?? {}))),
    ...removalPolicyProblems(removalPolicy, props.takeOverEventTrackerArn),
    ...takeOverProblems(scope, props),
  ];
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
}

export function validateRemovalPolicy(removalPolicy: RemovalPolicy, takeOverEventTrackerArn: string | undefined): void {
  const problems = removalPolicyProblems(removalPolicy, takeOverEventTrackerArn);
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
}

function removalPolicyProblems(removalPolicy: RemovalPolicy, takeOverEventTrackerArn: string | undefined): string[] {
  if (removalPolicy === RemovalPolicy.SNAPSHOT) {
    return ['removalPolicy SNAPSHOT is not supported: an event tracker has no snapshot. Use RemovalPolicy.DESTROY, RemovalPolicy.RETAIN or RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE.'];
  }
  if (removalPolicy === RemovalPolicy.DESTROY && takeOverEventTrackerArn !== undefined) {
    return ['removalPolicy DESTROY cannot go with takeOverEventTrackerArn: a take-over keeps the tracker, so that a rolled-back first deployment cannot delete it. '
      + 'Deploy the take-over with the default removal policy (RETAIN); once it is deployed, remove takeOverEventTrackerArn and set removalPolicy DESTROY to have the tracker deleted with the stack.'];
  }
  return [];
}

/** A take-over must name an event tracker ARN, in the stack's account and region, with its name. */
function takeOverProblems(scope: IConstruct, props: EventTrackerProps): string[] {
  const arn = props.takeOverEventTrackerArn;
  if (arn === undefined) {
    return [];
  }
  const problems: string[] = [];
  if (props.eventTrackerName === undefined) {
    problems.push(`takeOverEventTrackerArn '${arn}' needs eventTrackerName: declare the tracker's name as it is (aws personalize describe-event-tracker shows it), so that the take-over can check it.`);
  }
  if (Token.isUnresolved(arn)) {
    return problems;
  }
  const arnProblems = eventTrackerArnProblems(arn);
  if (arnProblems.length > 0) {
    return [...problems, ...arnProblems];
  }
  const [, , , region, account] = arn.split(':');
  const stack = Stack.of(scope);
  for (const [what, fromArn, ofStack] of [['region', region, stack.region], ['account', account, stack.account]]) {
    if (!Token.isUnresolved(ofStack) && fromArn !== ofStack) {
      problems.push(`takeOverEventTrackerArn '${arn}' is in ${what} ${fromArn}, but the stack ${stack.stackName} deploys to ${what} ${ofStack}. Take the tracker over from a stack in its own ${what}.`);
    }
  }
  const datasetGroupArn = props.datasetGroup.datasetGroupRef.datasetGroupArn;
  if (!Token.isUnresolved(datasetGroupArn)) {
    const [, , , groupRegion, groupAccount] = datasetGroupArn.split(':');
    if (groupRegion !== region || groupAccount !== account) {
      problems.push(`takeOverEventTrackerArn '${arn}' and datasetGroup '${datasetGroupArn}' are in different accounts or regions; a tracker belongs to a dataset group of its own account and region. Declare the tracker's own dataset group.`);
    }
  }
  return problems;
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
