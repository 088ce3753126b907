import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readProvider } from './provider';
import { TIME_SCALE, TRACKER_TYPE } from './settings';
import { DeployedTracker } from './step-2-deploy';
import { Story } from './story';
import { TrackerStack } from './tracker-stack';
import { EventTracker, ExistingDatasetGroup } from '../../src';
import { OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';
import { PersonalizeEmulator } from '../../test/emulator/personalize-emulator';

const LEGACY_NAME = 'legacy-clicks';

/** Step 5: a tracker made long ago with the CLI, taken over by a stack without changing its trackingId. */
export async function takeOverExistingTracker(story: Story, deployed: DeployedTracker, emulator: PersonalizeEmulator): Promise<void> {
  story.step(5, 'Take over a tracker that exists already',
    'Web and mobile clients carry the trackingId of a tracker made outside CloudFormation. Naming it by its ARN',
    '(takeOverEventTrackerArn) lets a stack manage it without a new trackingId.');

  const groupArn = emulator.createDatasetGroup('legacy-shop');
  const legacy = emulator.createForeignTracker({ name: LEGACY_NAME, datasetGroupArn: groupArn, tags: [{ tagKey: 'made-by', tagValue: 'aws-cli' }] });
  story.say(`before: ${LEGACY_NAME} (${legacy.arn}), made with the AWS CLI, trackingId ${legacy.trackingId}`);

  // What the construct renders for this declaration, synthesized here with the tracker's real ARN.
  const outdir = mkdtempSync(join(tmpdir(), 'demo-take-over-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'EventTrackerExample-Legacy', { env: { account: emulator.accountId, region: emulator.region } });
  new EventTracker(stack, 'Legacy', {
    datasetGroup: ExistingDatasetGroup.fromDatasetGroupArn(stack, 'LegacyShop', groupArn),
    eventTrackerName: LEGACY_NAME,
    takeOverEventTrackerArn: legacy.arn,
    tags: { team: 'recommendations' },
  });
  const template = Template.fromStack(stack);
  rmSync(outdir, { recursive: true, force: true });
  const [[logicalId, resource]] = Object.entries(template.findResources(TRACKER_TYPE));
  const { ServiceToken: _serviceToken, ...properties } = resource.Properties;
  story.say(`new EventTracker(stack, 'Legacy', { datasetGroup, eventTrackerName: '${LEGACY_NAME}', takeOverEventTrackerArn: '${legacy.arn.split(':').pop()}', ... })`);
  story.detail(`renders ${JSON.stringify(properties)}`);

  // The same handler and provider settings as the example app's tracker.
  const provider = readProvider(deployed.stack, deployed.stack.onlyResourceOfType(TRACKER_TYPE)[1]);
  const cfn = new TrackerStack({
    stackName: stack.stackName, template: template.toJSON(), logicalId, resourceType: TRACKER_TYPE, provider, emulator, timeScale: TIME_SCALE,
  });
  const created = await cfn.create(properties);
  created.lines.forEach((line) => story.detail(line));
  const after = emulator.tracker(legacy.arn);
  if (cfn.cfn.getAtt('TrackingId') !== legacy.trackingId || cfn.cfn.physicalResourceId !== legacy.arn || !after?.tags[OWNERSHIP_TAG_KEY]) {
    throw new Error(`Expected the stack to hold ${legacy.arn} with trackingId ${legacy.trackingId}, got ${cfn.cfn.physicalResourceId} ${JSON.stringify(after)}`);
  }
  story.say(`after:  the stack holds ${legacy.arn}, trackingId ${cfn.cfn.getAtt('TrackingId')} (unchanged)`);
  story.detail(`tags: ${JSON.stringify(after.tags)}`);

  story.say('cdk destroy: a taken-over tracker is kept (its default removal policy is RETAIN) and released');
  const deleted = await cfn.delete();
  deleted.lines.forEach((line) => story.detail(line));
  const kept = emulator.tracker(legacy.arn);
  // Released: the ownership tag stays, with the released flag r, and proves nothing any more.
  const released = kept?.tags[OWNERSHIP_TAG_KEY]?.split('/')[2]?.includes('r') ?? false;
  if (kept?.status !== 'ACTIVE' || kept.trackingId !== legacy.trackingId || !released) {
    throw new Error(`Expected ${legacy.arn} kept, ACTIVE and released (its ownership tag flagged r), got ${JSON.stringify(kept)}`);
  }
  story.detail(`still ACTIVE with trackingId ${kept.trackingId}; tags ${JSON.stringify(kept.tags)}: another stack may take it over`);

  // Tidy the emulator as the tracker's owner would, by hand.
  emulator.deleteTrackerBehindTheStacksBack(legacy.arn);
  story.done(`trackingId ${legacy.trackingId} before and after the take-over`);
}
