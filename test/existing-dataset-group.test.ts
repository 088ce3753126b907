import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { ExistingDatasetGroup } from '../src';

const ARN = 'arn:aws-cn:personalize:cn-north-1:123456789012:dataset-group/existing';

test('references a dataset group by ARN, in the ARN\'s account and region', () => {
  const stack = new Stack(new App(), 'Personalize');
  const group = ExistingDatasetGroup.fromDatasetGroupArn(stack, 'Existing', ARN);
  expect(group.datasetGroupRef.datasetGroupArn).toBe(ARN);
  expect(group.env).toEqual({ account: '123456789012', region: 'cn-north-1' });
});

test('accepts a token', () => {
  const stack = new Stack(new App(), 'Personalize');
  const arn = new CfnParameter(stack, 'Arn').valueAsString;
  expect(stack.resolve(ExistingDatasetGroup.fromDatasetGroupArn(stack, 'Existing', arn).datasetGroupRef.datasetGroupArn)).toEqual({ Ref: 'Arn' });
});

test('fails for a value that is not a Personalize ARN', () => {
  const stack = new Stack(new App(), 'Personalize');
  expect(() => ExistingDatasetGroup.fromDatasetGroupArn(stack, 'Existing', 'existing')).toThrow(/datasetGroupArn 'existing' is not a Personalize ARN/);
});
