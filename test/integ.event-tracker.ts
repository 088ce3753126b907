// Integration test: deploys a dataset group and an EventTracker, then checks with DescribeEventTracker
// that the tracker is ACTIVE and that its trackingId is the one the stack exports.
// Run against an account: see the README's development section. Its snapshot is checked without deploying
// by integ-event-tracker-snapshot.test.ts (not named integ.*: integ-runner would take it for an app).
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import { CfnDatasetGroup } from 'aws-cdk-lib/aws-personalize';
import { EventTracker } from '../src';

export const TRACKING_ID_EXPORT = 'EventTrackerInteg-TrackingId';

const app = new App();
const stack = new Stack(app, 'EventTrackerInteg');
const datasetGroup = new CfnDatasetGroup(stack, 'DatasetGroup', { name: 'event-tracker-integ' });
const tracker = new EventTracker(stack, 'Tracker', { datasetGroup, tags: { purpose: 'integ-test' } });
new CfnOutput(stack, 'TrackingId', { value: tracker.trackingId, exportName: TRACKING_ID_EXPORT });

const integ = new IntegTest(app, 'EventTrackerIntegTest', {
  testCases: [stack],
  // The committed snapshot has its asset hashes masked, so it cannot be deployed as the "before" state.
  stackUpdateWorkflow: false,
});
integ.assertions
  .awsApiCall('Personalize', 'describeEventTracker', { eventTrackerArn: tracker.eventTrackerArn })
  .expect(ExpectedResult.objectLike({
    eventTracker: { status: 'ACTIVE', trackingId: Fn.importValue(TRACKING_ID_EXPORT) },
  }));

app.synth();
