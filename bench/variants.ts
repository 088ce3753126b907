import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, ArnFormat, CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as personalize from 'aws-cdk-lib/aws-personalize';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { EventTracker } from '../src';

/** The ways a stack can declare its event trackers, ours first. */
export type Variant = 'ours' | 'providerPerTracker' | 'awsCustomResource' | 'bare';

export function isVariant(value: unknown): value is Variant {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(VARIANT_LABELS, value);
}

export const VARIANT_LABELS: Record<Variant, string> = {
  ours: 'EventTracker (ours)',
  providerPerTracker: '(a) Provider per tracker',
  awsCustomResource: '(b) AwsCustomResource',
  bare: '(c) bare CfnResource',
};

export const STACK_NAME = 'Bench';
const HANDLER_ASSET = join(__dirname, '..', 'assets', 'event-tracker');

type AddTracker = (stack: Stack, id: string, name: string, datasetGroup: personalize.CfnDatasetGroup) => void;

const ADD_TRACKER: Record<Variant, AddTracker> = {
  ours: (stack, id, name, datasetGroup) => {
    new EventTracker(stack, id, { datasetGroup, eventTrackerName: name });
  },
  providerPerTracker: (stack, id, name, datasetGroup) => {
    new ProviderPerTracker(stack, id, name, datasetGroup);
  },
  awsCustomResource: (stack, id, name, datasetGroup) => {
    new cr.AwsCustomResource(stack, id, {
      onCreate: {
        service: 'Personalize',
        action: 'CreateEventTracker',
        parameters: { name, datasetGroupArn: datasetGroup.attrDatasetGroupArn },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('eventTrackerArn'),
      },
      onDelete: {
        service: 'Personalize',
        action: 'DeleteEventTracker',
        parameters: { eventTrackerArn: new cr.PhysicalResourceIdReference() },
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [datasetGroup.attrDatasetGroupArn, eventTrackerArns(stack)] }),
      installLatestAwsSdk: false,
    });
  },
  bare: (stack, id, name, datasetGroup) => {
    // aws-cdk-lib (before 2.263 or so) has no CfnEventTracker class: the native type, written by hand.
    new CfnResource(stack, id, {
      type: 'AWS::Personalize::EventTracker',
      properties: { Name: name, DatasetGroupArn: datasetGroup.attrDatasetGroupArn },
    });
  },
};

/** What naive libraries do: the same handler, with its own role, functions and Provider for each tracker. */
class ProviderPerTracker extends Construct {
  constructor(scope: Stack, id: string, name: string, datasetGroup: personalize.CfnDatasetGroup) {
    super(scope, id);
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['personalize:CreateEventTracker', 'personalize:DescribeEventTracker', 'personalize:DeleteEventTracker'],
      resources: [datasetGroup.attrDatasetGroupArn, eventTrackerArns(scope)],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['personalize:ListEventTrackers'], resources: ['*'] }));
    const code = lambda.Code.fromAsset(HANDLER_ASSET);
    const handler = (handlerId: string, exportName: string, timeout: Duration) => new lambda.Function(this, handlerId, {
      code, runtime: lambda.Runtime.NODEJS_24_X, handler: `index.${exportName}`, timeout, role,
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler('OnEventHandler', 'onEvent', Duration.minutes(10)),
      isCompleteHandler: handler('IsCompleteHandler', 'isComplete', Duration.minutes(1)),
      queryInterval: Duration.seconds(5),
      totalTimeout: Duration.minutes(20),
    });
    new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PersonalizeEventTracker',
      properties: { EventTrackerName: name, DatasetGroupArn: datasetGroup.attrDatasetGroupArn },
    });
  }
}

function eventTrackerArns(stack: Stack): string {
  return stack.formatArn({ service: 'personalize', resource: 'event-tracker', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

/**
 * An app with one stack of `trackers` trackers, each with its own CfnDatasetGroup. Path and asset
 * metadata are on, as `cdk synth` sets them; version reporting (one constant resource) is off. The
 * 500-resource check is off so that the naive variants can be measured where they break the limit.
 */
export function buildApp(variant: Variant, trackers: number, outdir: string): App {
  const app = new App({
    outdir,
    analyticsReporting: false,
    context: {
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      '@aws-cdk/core:stackResourceLimit': 0,
    },
  });
  const stack = new Stack(app, STACK_NAME);
  for (let i = 0; i < trackers; i++) {
    const datasetGroup = new personalize.CfnDatasetGroup(stack, `DatasetGroup${i}`, { name: `bench-dataset-group-${i}` });
    ADD_TRACKER[variant](stack, `Tracker${i}`, `bench-tracker-${i}`, datasetGroup);
  }
  return app;
}

export interface Synthesized {
  /** The stack's template file as written. */
  readonly template: string;
  /** Time to build the app and run app.synth(). */
  readonly ms: number;
}

/** Builds and synthesizes the app into a temporary folder, deleted afterwards. */
export function synthesize(variant: Variant, trackers: number): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-cdk.out-'));
  try {
    const start = performance.now();
    const assembly = buildApp(variant, trackers, outdir).synth();
    const ms = performance.now() - start;
    return { template: readFileSync(assembly.getStackByName(STACK_NAME).templateFullPath, 'utf8'), ms };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
