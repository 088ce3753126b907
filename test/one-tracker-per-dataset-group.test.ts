import { App, Stack } from 'aws-cdk-lib';
import { CfnDatasetGroup } from 'aws-cdk-lib/aws-personalize';
import { EventTracker, ExistingDatasetGroup } from '../src';

const DATASET_GROUP_ARN = 'arn:aws:personalize:us-east-1:123456789012:dataset-group/existing';

test('fails when two trackers in a stack use one dataset group, naming both', () => {
  const app = new App();
  const stack = new Stack(app, 'Personalize');
  const datasetGroup = new CfnDatasetGroup(stack, 'Group', { name: 'group' });
  new EventTracker(stack, 'First', { datasetGroup });
  new EventTracker(stack, 'Second', { datasetGroup });

  expect(() => app.synth()).toThrow(
    '[Personalize/Second] Two EventTrackers use dataset group Personalize/Group: Personalize/First and Personalize/Second. '
    + 'Personalize allows one event tracker per dataset group.',
  );
});

test('fails when trackers in two stacks of one app use one dataset group', () => {
  const app = new App();
  const groupStack = new Stack(app, 'Groups');
  const datasetGroup = new CfnDatasetGroup(groupStack, 'Group', { name: 'group' });
  new EventTracker(new Stack(app, 'A'), 'Tracker', { datasetGroup });
  new EventTracker(new Stack(app, 'B'), 'Tracker', { datasetGroup });

  expect(() => app.synth()).toThrow(/Two EventTrackers use dataset group Groups\/Group: A\/Tracker and B\/Tracker/);
});

test('fails when two imports of the same dataset group ARN get a tracker each', () => {
  const app = new App();
  const stack = new Stack(app, 'Personalize');
  new EventTracker(stack, 'First', { datasetGroup: ExistingDatasetGroup.fromDatasetGroupArn(stack, 'G1', DATASET_GROUP_ARN) });
  new EventTracker(stack, 'Second', { datasetGroup: ExistingDatasetGroup.fromDatasetGroupArn(stack, 'G2', DATASET_GROUP_ARN) });

  expect(() => app.synth()).toThrow(/Personalize\/First and Personalize\/Second/);
});

test('accepts one tracker per dataset group, and the same layout in separate apps', () => {
  for (let i = 0; i < 2; i++) {
    const app = new App();
    const stack = new Stack(app, 'Personalize');
    new EventTracker(stack, 'First', { datasetGroup: new CfnDatasetGroup(stack, 'G1', { name: 'one' }) });
    new EventTracker(stack, 'Second', { datasetGroup: new CfnDatasetGroup(stack, 'G2', { name: 'two' }) });
    new EventTracker(stack, 'Third', { datasetGroup: ExistingDatasetGroup.fromDatasetGroupArn(stack, 'G3', DATASET_GROUP_ARN) });
    expect(() => app.synth()).not.toThrow();
  }
});
