import * as path from 'path';
import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { newOutdir } from './helpers/outdir';
import { cdkJsonContext } from '../examples/app/cdk-json-context';
import { addExampleStacks, ExampleStacks } from '../examples/app/example-app';

/** The example app with cdk-nag's AwsSolutions pack, as examples/app/main.ts applies it. */
function checkedExample(change?: (stacks: ExampleStacks) => void): ExampleStacks {
  const app = new App({ outdir: newOutdir(), context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stacks = addExampleStacks(app);
  change?.(stacks);
  Aspects.of(app).add(new AwsSolutionsChecks());
  return stacks;
}

function nagFindings(stack: Stack): string[] {
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
  ].map((finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`);
}

test('cdk-nag AwsSolutions reports no unsuppressed finding on the example stacks', () => {
  const { personalize, ingest } = checkedExample();
  expect(nagFindings(personalize)).toEqual([]);
  expect(nagFindings(ingest)).toEqual([]);
});

test('every suppression the example adds names its rule, what it applies to, and why', () => {
  const { personalize, ingest } = checkedExample();
  // The library suppresses its own findings (under PersonalizeEventTrackerProvider): those are tested in nag-suppressions.test.ts.
  const ownSuppressions = [personalize, ingest]
    .flatMap((stack) => stack.node.findAll())
    .filter(CfnResource.isCfnResource)
    .filter((resource) => !resource.node.path.split(path.posix.sep).includes('PersonalizeEventTrackerProvider'))
    .flatMap((resource) => ((resource.getMetadata('cdk_nag')?.rules_to_suppress ?? []) as any[]).map((s) => ({ path: resource.node.path, ...s })));

  expect(ownSuppressions.map((s) => [s.path, s.id, s.applies_to])).toEqual([
    ['EventTrackerExample-Ingest/RecordInteractionRole/DefaultPolicy/Resource', 'AwsSolutions-IAM5', ['Resource::*']],
  ]);
  for (const suppression of ownSuppressions) {
    expect(suppression.reason).toMatch(/PutEvents/);
    expect(suppression.reason.length).toBeGreaterThan(60);
  }
});

test('fails the check on a wildcard permission the example does not justify', () => {
  const { ingest } = checkedExample(({ ingest: stack }) => {
    new iam.Role(stack, 'Extra', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })
      .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }));
  });

  // The example's suppression covers the function's policy only: a wildcard elsewhere is reported.
  expect(nagFindings(ingest)).toEqual([
    expect.stringMatching(/^\/EventTrackerExample-Ingest\/Extra\/DefaultPolicy\/Resource: AwsSolutions-IAM5/),
  ]);
});
