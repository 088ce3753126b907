import { readFileSync } from 'fs';
import * as path from 'path';
import { App, CfnDeletionPolicy, CfnParameter, CfnResource, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnDatasetGroup } from 'aws-cdk-lib/aws-personalize';
import { Fact, FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import { EventTracker, ExistingDatasetGroup } from '../src';

const EVENT_TRACKER = 'Custom::PersonalizeEventTracker';
const DATASET_GROUP_ARN = 'arn:aws:personalize:us-east-1:123456789012:dataset-group/existing';
const TRACKER_ARN = 'arn:aws:personalize:us-east-1:123456789012:event-tracker/abcd1234';

let app: App;
let stack: Stack;
let datasetGroup: CfnDatasetGroup;

beforeEach(() => {
  app = new App();
  stack = new Stack(app, 'Personalize');
  datasetGroup = new CfnDatasetGroup(stack, 'Group', { name: 'group' });
});

function trackerProperties(template: Template): Record<string, any> {
  const resources = Object.values(template.findResources(EVENT_TRACKER));
  expect(resources).toHaveLength(1);
  return resources[0].Properties;
}

describe('new EventTracker', () => {
  test('creates the custom resource with the name and dataset group, and reads attributes with Fn::GetAtt', () => {
    const tracker = new EventTracker(stack, 'Tracker', { datasetGroup, eventTrackerName: 'clicks' });

    const template = Template.fromStack(stack);
    template.resourceCountIs(EVENT_TRACKER, 1);
    template.hasResourceProperties(EVENT_TRACKER, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('framework'), 'Arn'] },
      EventTrackerName: 'clicks',
      DatasetGroupArn: { Ref: 'Group' },
      Tags: Match.absent(),
    });
    const logicalId = Object.keys(template.findResources(EVENT_TRACKER))[0];
    expect(stack.resolve(tracker.trackingId)).toEqual({ 'Fn::GetAtt': [logicalId, 'TrackingId'] });
    expect(stack.resolve(tracker.eventTrackerArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'EventTrackerArn'] });
    expect(tracker.eventTrackerName).toBe('clicks');
    expect(stack.resolve(tracker.datasetGroupArn)).toEqual({ Ref: 'Group' });
  });

  test('the CloudFormation resource is the child "Resource", so its logical id stays stable', () => {
    const tracker = new EventTracker(stack, 'Tracker', { datasetGroup });
    expect(tracker.node.defaultChild).toBeDefined();
    expect(tracker.node.findChild('Resource')).toBe(tracker.node.defaultChild);
  });

  test('bounds how long CloudFormation waits for the handler, above the Provider timeout', () => {
    new EventTracker(stack, 'Tracker', { datasetGroup });

    const template = Template.fromStack(stack);
    const serviceTimeout = Number(trackerProperties(template).ServiceTimeout);
    expect(serviceTimeout).toBeLessThan(3600);
    // onEvent (10 min) + Provider total timeout (20 min) must fit.
    expect(serviceTimeout).toBeGreaterThan(30 * 60);
    const stateMachine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    const definition = JSON.stringify(stateMachine.Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":5');
    expect(definition).toContain('\\"MaxAttempts\\":240');
  });

  describe('default name', () => {
    test('is made of the stack name and construct path, at most 63 characters of the allowed ones', () => {
      const tracker = new EventTracker(stack, 'Tracker', { datasetGroup });
      expect(tracker.eventTrackerName).toMatch(/^Personalize-Tracker-[0-9a-f]{8}$/);
      expect(trackerProperties(Template.fromStack(stack)).EventTrackerName).toBe(tracker.eventTrackerName);
    });

    test('is stable across synths and does not depend on the dataset group', () => {
      const first = new EventTracker(stack, 'Tracker', { datasetGroup }).eventTrackerName;
      const otherApp = new App();
      const otherStack = new Stack(otherApp, 'Personalize');
      const otherGroup = new CfnDatasetGroup(otherStack, 'OtherGroup', { name: 'other' });
      const second = new EventTracker(otherStack, 'Tracker', { datasetGroup: otherGroup }).eventTrackerName;
      expect(second).toBe(first);
    });

    test('differs between stacks deployed under different names from the same code', () => {
      const inProd = new Stack(app, 'Prod', { stackName: 'recs-prod' });
      const inDev = new Stack(app, 'Dev', { stackName: 'recs-dev' });
      const prodName = new EventTracker(inProd, 'Tracker', { datasetGroup: new CfnDatasetGroup(inProd, 'G', { name: 'p' }) }).eventTrackerName;
      const devName = new EventTracker(inDev, 'Tracker', { datasetGroup: new CfnDatasetGroup(inDev, 'G', { name: 'd' }) }).eventTrackerName;
      expect(prodName).toMatch(/^recs-prod-Tracker-/);
      expect(devName).toMatch(/^recs-dev-Tracker-/);
    });

    test('stays valid and distinct when stack name and path are long', () => {
      const longStack = new Stack(app, 'A'.repeat(100));
      const names = ['x', 'y'].map((suffix) => new EventTracker(longStack, `${'Recommendations'.repeat(4)}${suffix}`, {
        datasetGroup: new CfnDatasetGroup(longStack, `G${suffix}`, { name: suffix }),
      }).eventTrackerName);
      for (const name of names) {
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/);
      }
      expect(names[0]).not.toBe(names[1]);
    });
  });

  test('shares one provider among all trackers of a stack', () => {
    new EventTracker(stack, 'One', { datasetGroup });
    const oneTrackerFunctions = Template.fromStack(stack).findResources('AWS::Lambda::Function');

    const otherApp = new App();
    const bigStack = new Stack(otherApp, 'Personalize');
    for (let i = 0; i < 5; i++) {
      new EventTracker(bigStack, `Tracker${i}`, { datasetGroup: new CfnDatasetGroup(bigStack, `Group${i}`, { name: `g${i}` }) });
    }
    const template = Template.fromStack(bigStack);
    template.resourceCountIs(EVENT_TRACKER, 5);
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toEqual(Object.keys(oneTrackerFunctions));
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const serviceTokens = new Set(Object.values(template.findResources(EVENT_TRACKER)).map((r) => JSON.stringify(r.Properties.ServiceToken)));
    expect(serviceTokens.size).toBe(1);
  });

  test('runs the bundled handler on a current Node.js runtime with its own log group', () => {
    new EventTracker(stack, 'Tracker', { datasetGroup });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.onEvent', Runtime: 'nodejs24.x', Timeout: 60 });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.isComplete', Runtime: 'nodejs24.x', Timeout: 180 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  describe('handler runtime', () => {
    const nodeMajor = (runtime: string) => Number(/^nodejs(\d+)\.x$/.exec(runtime)![1]);
    const handlerRuntimes = (template: Template) => Object.values(template.findResources('AWS::Lambda::Function'))
      .filter((fn) => /^index\./.test(fn.Properties.Handler))
      .map((fn) => fn.Properties.Runtime as string);

    test('is the same fixed runtime in a region of every partition aws-cdk-lib knows', () => {
      const partitions = new Map<string, string>();
      for (const region of RegionInfo.regions) {
        if (region.partition && !partitions.has(region.partition)) partitions.set(region.partition, region.name);
      }
      expect([...partitions.keys()]).toEqual(expect.arrayContaining(['aws', 'aws-cn', 'aws-us-gov']));
      for (const [partition, region] of partitions) {
        const regional = new Stack(new App(), `In-${partition}`, { env: { account: '123456789012', region } });
        new EventTracker(regional, 'Tracker', { datasetGroup: new CfnDatasetGroup(regional, 'Group', { name: 'group' }) });
        expect({ partition, runtimes: handlerRuntimes(Template.fromStack(regional)) }).toEqual({ partition, runtimes: ['nodejs24.x', 'nodejs24.x'] });
      }
    });

    test('is no older than the latest Node.js runtime the aws-cdk-lib region facts name, which the Provider framework uses', () => {
      new EventTracker(stack, 'Tracker', { datasetGroup });
      const handlers = handlerRuntimes(Template.fromStack(stack)).map(nodeMajor);
      const latestInRegions = RegionInfo.regions
        .map((region) => Fact.find(region.name, FactName.LATEST_NODE_RUNTIME))
        .filter((runtime): runtime is string => runtime !== undefined);
      expect(latestInRegions.length).toBeGreaterThan(0);
      for (const runtime of latestInRegions) {
        expect(Math.min(...handlers)).toBeGreaterThanOrEqual(nodeMajor(runtime));
      }
    });

    test('runs the bundle: esbuild targets a Node.js major the runtime has', () => {
      new EventTracker(stack, 'Tracker', { datasetGroup });
      const tasks = JSON.parse(readFileSync(path.join(__dirname, '..', '.projen', 'tasks.json'), 'utf8'));
      const bundle = tasks.tasks['bundle:handler'].steps.map((step: { exec?: string }) => step.exec).join(' ');
      const target = Number(/--target=node(\d+)\b/.exec(bundle)![1]);
      for (const runtime of handlerRuntimes(Template.fromStack(stack))) {
        expect(nodeMajor(runtime)).toBeGreaterThanOrEqual(target);
      }
    });
  });

  describe('handler permissions', () => {
    function handlerPolicyStatements(template: Template): any[] {
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'personalize:ListEventTrackers' })]) } },
      });
      expect(Object.keys(policies)).toHaveLength(1);
      return Object.values(policies)[0].Properties.PolicyDocument.Statement;
    }

    test('are limited to event trackers, the stack\'s dataset groups and logging, partition-aware', () => {
      const otherGroup = new CfnDatasetGroup(stack, 'OtherGroup', { name: 'other' });
      new EventTracker(stack, 'Tracker', { datasetGroup });
      new EventTracker(stack, 'Other', { datasetGroup: otherGroup });

      const statements = handlerPolicyStatements(Template.fromStack(stack));
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: [
          'personalize:CreateEventTracker',
          'personalize:DescribeEventTracker',
          'personalize:DeleteEventTracker',
          'personalize:TagResource',
          'personalize:UntagResource',
          'personalize:ListTagsForResource',
        ],
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':personalize:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-tracker/*']],
        },
      });
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: 'personalize:CreateEventTracker',
        Resource: [{ Ref: 'Group' }, { Ref: 'OtherGroup' }],
      });
      expect(statements).toContainEqual({ Effect: 'Allow', Action: 'personalize:ListEventTrackers', Resource: '*' });
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/Logs/), 'Arn'] },
      });
      // DescribeStacks of its own stack only: a rollback is told from a deployment, a late request changes nothing.
      expect(statements).toContainEqual({ Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } });
      expect(statements).toHaveLength(5);
      expect(JSON.stringify(statements)).not.toContain('arn:aws:');
    });

    test('grant nothing but ListEventTrackers on "*"', () => {
      new EventTracker(stack, 'Tracker', { datasetGroup });
      const wildcard = handlerPolicyStatements(Template.fromStack(stack)).filter((s) => s.Resource === '*');
      expect(wildcard).toEqual([{ Effect: 'Allow', Action: 'personalize:ListEventTrackers', Resource: '*' }]);
    });

    test('list up to 40 dataset groups, then name them all with dataset-group/* to stay within IAM size limits', () => {
      const listed = (count: number) => {
        const big = new Stack(new App(), 'Big');
        for (let i = 0; i < count; i++) {
          new EventTracker(big, `Tracker${i}`, { datasetGroup: new CfnDatasetGroup(big, `Group${i}`, { name: `g${i}` }) });
        }
        const statement = handlerPolicyStatements(Template.fromStack(big)).find((s) => s.Action === 'personalize:CreateEventTracker');
        return [statement.Resource].flat();
      };
      expect(listed(40)).toHaveLength(40);
      const resources = listed(41);
      expect(resources).toHaveLength(41);
      expect(resources[40]).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':personalize:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':dataset-group/*']],
      });
      expect(listed(60)).toHaveLength(41);
    });

    test('name an existing dataset group by its ARN', () => {
      new EventTracker(stack, 'Tracker', { datasetGroup: ExistingDatasetGroup.fromDatasetGroupArn(stack, 'Existing', DATASET_GROUP_ARN) });
      expect(handlerPolicyStatements(Template.fromStack(stack))).toContainEqual({
        Effect: 'Allow', Action: 'personalize:CreateEventTracker', Resource: DATASET_GROUP_ARN,
      });
    });
  });

  describe('removal policy', () => {
    test('defaults to DESTROY', () => {
      new EventTracker(stack, 'Tracker', { datasetGroup });
      Template.fromStack(stack).hasResource(EVENT_TRACKER, { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
      expect(trackerProperties(Template.fromStack(stack)).RemovalPolicy).toBeUndefined();
    });

    // The handler keeps the tracker itself: CloudFormation's Retain would keep the Delete from it,
    // and the handler must see that Delete to release the tracker (remove its ownership tag).
    test('RETAIN keeps the tracker on deletion and on replacement, through the handler', () => {
      new EventTracker(stack, 'Tracker', { datasetGroup, removalPolicy: RemovalPolicy.RETAIN });
      const template = Template.fromStack(stack);
      template.hasResource(EVENT_TRACKER, { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
      expect(trackerProperties(template).RemovalPolicy).toBe('Retain');
    });

    test('applyRemovalPolicy(RETAIN) after construction counts too', () => {
      const tracker = new EventTracker(stack, 'Tracker', { datasetGroup });
      tracker.applyRemovalPolicy(RemovalPolicy.RETAIN);
      const template = Template.fromStack(stack);
      template.hasResource(EVENT_TRACKER, { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
      expect(trackerProperties(template).RemovalPolicy).toBe('Retain');
    });

    test('a Retain set on the CfnResource directly is passed on to the handler as well', () => {
      const tracker = new EventTracker(stack, 'Tracker', { datasetGroup });
      (tracker.node.defaultChild as CfnResource).cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
      expect(trackerProperties(Template.fromStack(stack)).RemovalPolicy).toBe('Retain');
    });

    test('fails for SNAPSHOT, which an event tracker does not have', () => {
      expect(() => new EventTracker(stack, 'Tracker', { datasetGroup, removalPolicy: RemovalPolicy.SNAPSHOT }))
        .toThrow(/removalPolicy SNAPSHOT is not supported.*Use RemovalPolicy.DESTROY, RemovalPolicy.RETAIN or RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE/);
      const tracker = new EventTracker(stack, 'Other', { datasetGroup: new CfnDatasetGroup(stack, 'OtherGroup', { name: 'other' }) });
      expect(() => tracker.applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(/removalPolicy SNAPSHOT is not supported/);
    });

    test('RETAIN_ON_UPDATE_OR_DELETE is passed on as CloudFormation\'s RetainExceptOnCreate, for the handler', () => {
      new EventTracker(stack, 'Tracker', { datasetGroup, removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
      const template = Template.fromStack(stack);
      template.hasResource(EVENT_TRACKER, { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
      expect(trackerProperties(template).RemovalPolicy).toBe('RetainExceptOnCreate');
    });
  });

  describe('tags', () => {
    test('passes the tags prop to the handler', () => {
      new EventTracker(stack, 'Tracker', { datasetGroup, tags: { team: 'recs', cost: '42' } });
      expect(trackerProperties(Template.fromStack(stack)).Tags).toEqual([{ Key: 'cost', Value: '42' }, { Key: 'team', Value: 'recs' }]);
    });

    test('Tags.of() reaches the tracker', () => {
      new EventTracker(stack, 'Tracker', { datasetGroup, tags: { team: 'recs' } });
      Tags.of(app).add('env', 'prod');
      expect(trackerProperties(Template.fromStack(stack)).Tags).toEqual([{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'recs' }]);
    });
  });

  test('grantPutEvents grants personalize:PutEvents on "*", as PutEvents requires', () => {
    const tracker = new EventTracker(stack, 'Tracker', { datasetGroup });
    const role = new iam.Role(stack, 'Ingest', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    tracker.grantPutEvents(role);

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Ingest') }],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'personalize:PutEvents', Resource: '*' }] },
    });
  });

  test('grant() grants the given actions on the tracker', () => {
    const tracker = new EventTracker(stack, 'Tracker', { datasetGroup });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    tracker.grant(role, 'personalize:DescribeEventTracker');

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Reader') }],
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'personalize:DescribeEventTracker',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('Tracker'), 'EventTrackerArn'] },
        }],
      },
    });
  });

  test('another stack using trackingId gets Fn::ImportValue of an export of the Fn::GetAtt', () => {
    const tracker = new EventTracker(stack, 'Tracker', { datasetGroup });
    const consumer = new Stack(app, 'Ingest');
    new iam.Role(consumer, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        tag: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({
            actions: ['personalize:PutEvents'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:RequestTag/trackingId': tracker.trackingId } },
          })],
        }),
      },
    });

    const producer = Template.fromStack(stack);
    const logicalId = Object.keys(producer.findResources(EVENT_TRACKER))[0];
    const exports = Object.values(producer.toJSON().Outputs ?? {}) as any[];
    const trackingIdExport = exports.find((o) => JSON.stringify(o.Value) === JSON.stringify({ 'Fn::GetAtt': [logicalId, 'TrackingId'] }));
    expect(trackingIdExport).toBeDefined();
    expect(JSON.stringify(Template.fromStack(consumer).toJSON())).toContain(JSON.stringify({ 'Fn::ImportValue': trackingIdExport.Export.Name }));
  });
});

describe('imported EventTracker', () => {
  test('fromEventTrackerArn keeps the ARN and its environment', () => {
    const tracker = EventTracker.fromEventTrackerArn(stack, 'Imported', TRACKER_ARN);
    expect(tracker.eventTrackerArn).toBe(TRACKER_ARN);
    expect(tracker.env).toEqual({ account: '123456789012', region: 'us-east-1' });
  });

  test('fails to read eventTrackerName, trackingId or datasetGroupArn it was not given, naming the import method to use', () => {
    const tracker = EventTracker.fromEventTrackerArn(stack, 'Imported', TRACKER_ARN);
    // The ARN ends in a generated id (event-tracker/abcd1234), not in the name.
    expect(() => tracker.eventTrackerName).toThrow(/imported without its eventTrackerName.*EventTracker\.fromEventTrackerAttributes\(this, 'Imported', \{ eventTrackerArn, eventTrackerName \}\)/);
    expect(() => tracker.trackingId).toThrow(/imported without its trackingId.*EventTracker\.fromEventTrackerAttributes\(this, 'Imported', \{ eventTrackerArn, trackingId \}\)/);
    expect(() => tracker.datasetGroupArn).toThrow(/imported without its datasetGroupArn.*fromEventTrackerAttributes/);
  });

  test('fromEventTrackerAttributes returns what it was given', () => {
    const tracker = EventTracker.fromEventTrackerAttributes(stack, 'Imported', {
      eventTrackerArn: TRACKER_ARN, eventTrackerName: 'clicks', trackingId: 'tracking-123', datasetGroupArn: DATASET_GROUP_ARN,
    });
    expect(tracker.eventTrackerName).toBe('clicks');
    expect(tracker.trackingId).toBe('tracking-123');
    expect(tracker.datasetGroupArn).toBe(DATASET_GROUP_ARN);
  });

  test('takes a token ARN', () => {
    const arn = new CfnParameter(stack, 'TrackerArn').valueAsString;
    const tracker = EventTracker.fromEventTrackerArn(stack, 'Imported', arn);
    expect(stack.resolve(tracker.eventTrackerArn)).toEqual({ Ref: 'TrackerArn' });
  });

  test('grants work on an import (metrics: event-tracker-metrics.test.ts)', () => {
    const tracker = EventTracker.fromEventTrackerArn(stack, 'Imported', TRACKER_ARN);
    const role = new iam.Role(stack, 'Ingest', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    tracker.grantPutEvents(role);
    tracker.grant(role, 'personalize:DescribeEventTracker');

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'personalize:PutEvents', Resource: '*' },
          { Effect: 'Allow', Action: 'personalize:DescribeEventTracker', Resource: TRACKER_ARN },
        ],
      },
    });
    Template.fromStack(stack).resourceCountIs(EVENT_TRACKER, 0);
  });

  test('fails for an ARN that is not an event tracker\'s', () => {
    expect(() => EventTracker.fromEventTrackerArn(stack, 'Imported', DATASET_GROUP_ARN))
      .toThrow(`'${DATASET_GROUP_ARN}' is not an event tracker ARN: expected arn:<partition>:personalize:<region>:<account>:event-tracker/<id>.`);
  });
});
