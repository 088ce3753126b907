import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventTracker, ExistingDatasetGroup } from '../src';

const TRACKER_ARN = 'arn:aws:personalize:us-east-1:123456789012:event-tracker/d2e0162e';
const GROUP_ARN = 'arn:aws:personalize:us-east-1:123456789012:dataset-group/shop';

let app: App;
let stack: Stack;
beforeEach(() => {
  app = new App();
  stack = new Stack(app, 'Shop', { env: { account: '123456789012', region: 'us-east-1' } });
});

let count = 0;
function takeOver(overrides: Partial<ConstructorParameters<typeof EventTracker>[2]> = {}): EventTracker {
  count++;
  return new EventTracker(stack, `Clicks${count}`, {
    datasetGroup: ExistingDatasetGroup.fromDatasetGroupArn(stack, `Group${count}`, GROUP_ARN),
    eventTrackerName: 'legacy-clicks',
    takeOverEventTrackerArn: TRACKER_ARN,
    ...overrides,
  });
}

function trackerResource(): Record<string, any> {
  const resources = Object.values(Template.fromStack(stack).findResources('Custom::PersonalizeEventTracker'));
  expect(resources).toHaveLength(1);
  return resources[0];
}

describe('taking over an existing tracker', () => {
  test('passes the ARN to the handler and keeps the tracker by default', () => {
    takeOver();
    const resource = trackerResource();
    expect(resource.Properties).toMatchObject({ TakeOverEventTrackerArn: TRACKER_ARN, EventTrackerName: 'legacy-clicks', RemovalPolicy: 'Retain' });
    expect(resource.DeletionPolicy).toBe('Delete');
  });

  test('takes a token ARN, checked at deploy time', () => {
    const arn = new CfnParameter(stack, 'TrackerArn').valueAsString;
    takeOver({ takeOverEventTrackerArn: arn });
    expect(trackerResource().Properties.TakeOverEventTrackerArn).toEqual({ Ref: 'TrackerArn' });
  });

  test('fails for a value that is not an event tracker ARN', () => {
    expect(() => takeOver({ takeOverEventTrackerArn: GROUP_ARN })).toThrow(
      `takeOverEventTrackerArn '${GROUP_ARN}' is not an event tracker ARN: it must match ^arn:([a-z\\d-]+):personalize:[a-z\\d-]+:\\d{12}:event-tracker\\/[^/\\s]+$, e.g. 'arn:aws:personalize:us-east-1:123456789012:event-tracker/d2e0162e'.`,
    );
  });

  test('fails without eventTrackerName, which the take-over checks', () => {
    expect(() => takeOver({ eventTrackerName: undefined })).toThrow(
      `takeOverEventTrackerArn '${TRACKER_ARN}' needs eventTrackerName: declare the tracker's name as it is`,
    );
  });

  test('fails with removalPolicy DESTROY, which a rolled-back take-over would apply', () => {
    expect(() => takeOver({ removalPolicy: RemovalPolicy.DESTROY })).toThrow(/removalPolicy DESTROY cannot go with takeOverEventTrackerArn.*remove takeOverEventTrackerArn and set removalPolicy DESTROY/);
    const tracker = takeOver();
    expect(() => tracker.applyRemovalPolicy(RemovalPolicy.DESTROY)).toThrow(/removalPolicy DESTROY cannot go with takeOverEventTrackerArn/);
  });

  test('fails for a tracker in another region or account than the stack', () => {
    expect(() => takeOver({ takeOverEventTrackerArn: 'arn:aws:personalize:eu-west-1:123456789012:event-tracker/d2e0162e' }))
      .toThrow('is in region eu-west-1, but the stack Shop deploys to region us-east-1. Take the tracker over from a stack in its own region.');
    expect(() => takeOver({ takeOverEventTrackerArn: 'arn:aws:personalize:us-east-1:210987654321:event-tracker/d2e0162e' }))
      .toThrow('is in account 210987654321, but the stack Shop deploys to account 123456789012.');
  });

  test('fails for a dataset group of another account or region than the tracker', () => {
    const otherStack = new Stack(app, 'Agnostic');
    expect(() => new EventTracker(otherStack, 'Clicks', {
      datasetGroup: ExistingDatasetGroup.fromDatasetGroupArn(otherStack, 'Group', 'arn:aws:personalize:eu-west-1:123456789012:dataset-group/shop'),
      eventTrackerName: 'legacy-clicks',
      takeOverEventTrackerArn: TRACKER_ARN,
    })).toThrow(/and datasetGroup 'arn:aws:personalize:eu-west-1:123456789012:dataset-group\/shop' are in different accounts or regions/);
  });
});
