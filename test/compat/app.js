// A user's app, written against the packed library: the tracker in one stack, a function that
// sends events in another. npx projen test:compat synthesizes it with the cdk CLI once per
// reference strength (-c reference=strong|weak), with cdk-nag's AwsSolutions checks as users add them.
// Plain CommonJS: it runs as users' JavaScript apps do, with no compile step.
const { App, CrossStackReferences, ReferenceStrength, Stack, Validations } = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const personalize = require('aws-cdk-lib/aws-personalize');
const { AwsSolutionsChecks } = require('cdk-nag');
const { EventTracker } = require('cdk-personalize-event-tracker');

// The default reference strength, stated as the cdk CLI asks: without it, every synth warns "No
// cross-stack-reference strength configured", also when this tracker's references are made weak.
const app = new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong' } });
const reference = app.node.getContext('reference');
if (reference !== 'strong' && reference !== 'weak') {
  throw new Error(`context "reference" is ${JSON.stringify(reference)}: pass -c reference=strong or -c reference=weak`);
}

const trackerStack = new Stack(app, 'CompatTracker');
const datasetGroup = new personalize.CfnDatasetGroup(trackerStack, 'DatasetGroup', { name: 'compat' });
const tracker = new EventTracker(trackerStack, 'Clicks', { datasetGroup });
if (reference === 'weak') {
  CrossStackReferences.of(tracker).produce(ReferenceStrength.WEAK);
}

const ingestStack = new Stack(app, 'CompatIngest');
const recordInteraction = new lambda.Function(ingestStack, 'RecordInteraction', {
  runtime: lambda.Runtime.NODEJS_24_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => {};'),
  environment: { TRACKING_ID: tracker.trackingId },
});
tracker.grantPutEvents(recordInteraction);

// The function is this app's, not the library's: its findings are acknowledged here, so that any
// finding left in the report is on what the library creates. The control synth (-c nag-control=true)
// leaves them, to show that the checks run and report.
const acknowledge = app.node.tryGetContext('nag-control') === 'true'
  ? () => {}
  : (acknowledgment) => Validations.of(recordInteraction).acknowledge(acknowledgment);
acknowledge({
  id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  reason: 'The test app\'s own function uses the managed basic execution role.',
});
acknowledge({
  id: 'AwsSolutions-IAM5[Resource::*]',
  reason: 'personalize:PutEvents supports no resource-level permission (EventTracker.grantPutEvents).',
});
// cdk-nag's L1 wants the newest Node.js runtime aws-cdk-lib names (nodejs26.x from 2.278.0): acknowledged
// rather than followed, so the app keeps passing when a release adds the next one.
acknowledge({
  id: 'AwsSolutions-L1',
  reason: 'The test app\'s own function is never invoked; it stays on nodejs24.x, the runtime of the library\'s handler.',
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
