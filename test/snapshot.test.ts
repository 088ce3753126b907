import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnDatasetGroup } from 'aws-cdk-lib/aws-personalize';
import { EventTracker } from '../src';

/** Asset hashes change with every bundle: mask them so the snapshot shows only template changes. */
function maskAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}

test('a representative stack: one dataset group, a tagged tracker, a PutEvents grant', () => {
  const app = new App();
  const stack = new Stack(app, 'Personalize', { env: { account: '123456789012', region: 'us-east-1' } });
  const datasetGroup = new CfnDatasetGroup(stack, 'Group', { name: 'shop' });
  const tracker = new EventTracker(stack, 'Clicks', { datasetGroup, eventTrackerName: 'shop-clicks', tags: { team: 'recs' } });
  tracker.grantPutEvents(new iam.Role(stack, 'Ingest', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));

  const template = Template.fromStack(stack);
  template.resourceCountIs('Custom::PersonalizeEventTracker', 1);
  template.resourceCountIs('AWS::Lambda::Function', 5);
  expect(maskAssetHashes(template.toJSON())).toMatchSnapshot();
});
