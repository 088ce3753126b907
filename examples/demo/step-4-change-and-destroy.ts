import { DeleteDatasetGroupCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { LocalDeployment } from './local-deployment';
import { DeployedTracker } from './step-2-deploy';
import { Story } from './story';
import { PersonalizeEmulator } from '../../test/emulator/personalize-emulator';

const NEW_TEAM = 'personalization';
const NEW_NAME = 'EventTrackerExample-interactions';

/** Step 4: a tag change (in place), a rename (replacement), and the teardown. */
export async function changeAndDestroy(
  story: Story, tracker: DeployedTracker, emulator: PersonalizeEmulator, deployment: LocalDeployment,
): Promise<void> {
  const { cfn } = tracker;
  story.step(4, 'Change the tracker, then destroy it',
    'Each change is what `cdk deploy` would send after editing PersonalizeStack: an Update request with new properties.');

  const first = snapshot(cfn.cfn);
  const tagged = { ...tracker.properties, Tags: tracker.properties.Tags.map((t: { Key: string; Value: string }) => (t.Key === 'team' ? { ...t, Value: NEW_TEAM } : t)) };
  story.say(`a) tags: { team: '${NEW_TEAM}' } instead of 'recommendations': tags change in place`);
  const tagReport = await cfn.update(tagged);
  tagReport.lines.forEach((line) => story.detail(line));
  const afterTags = snapshot(cfn.cfn);
  const liveTags = emulator.tracker(afterTags.arn)?.tags ?? {};
  if (afterTags.arn !== first.arn || afterTags.trackingId !== first.trackingId || liveTags.team !== NEW_TEAM) {
    throw new Error(`Expected the same tracker with team=${NEW_TEAM}, got ${afterTags.arn} ${JSON.stringify(liveTags)}`);
  }
  story.detail(`tags in Personalize: ${JSON.stringify(liveTags)}; trackingId unchanged: ${afterTags.trackingId}`);

  story.say(`b) eventTrackerName: '${NEW_NAME}': a new name means a new tracker (replacement)`);
  const renameReport = await cfn.update({ ...tagged, EventTrackerName: NEW_NAME });
  renameReport.lines.forEach((line) => story.detail(line));
  const renamed = snapshot(cfn.cfn);
  const trackers = emulator.trackers();
  if (renamed.arn === first.arn || renamed.trackingId === first.trackingId || trackers.length !== 1 || trackers[0].name !== NEW_NAME || trackers[0].status !== 'ACTIVE') {
    throw new Error(`Expected one new ACTIVE tracker named ${NEW_NAME}, found ${JSON.stringify(trackers)}`);
  }
  story.detail(`trackingId: ${first.trackingId} -> ${renamed.trackingId}`);
  story.detail('Note: in AWS, CloudFormation refuses to update an export while another stack imports it, and');
  story.detail('EventTrackerExample-Ingest imports this trackingId: a rename of a tracker whose trackingId is exported');
  story.detail('needs the importing stack to stop importing it first (or the value passed another way, e.g. SSM).');

  story.say('c) cdk destroy --all: EventTrackerExample-Ingest goes first (it imports the exports; its function only ran');
  story.detail('in-process here), then the tracker, then the dataset group');
  const deleteReport = await cfn.delete();
  deleteReport.lines.forEach((line) => story.detail(line));
  deployment.remove(tracker.stack.name, tracker.logicalId);
  const [, group] = tracker.stack.onlyResourceOfType('AWS::Personalize::DatasetGroup');
  // What CloudFormation does next for AWS::Personalize::DatasetGroup: Personalize refuses while a tracker remains.
  const client = new PersonalizeClient({ maxAttempts: 1 });
  try {
    await client.send(new DeleteDatasetGroupCommand({ datasetGroupArn: tracker.properties.DatasetGroupArn }));
  } finally {
    client.destroy();
  }
  story.detail(`DeleteDatasetGroup ${group.Properties?.Name}: accepted (no tracker is left in it)`);
  const left = { trackers: emulator.trackers().length, datasetGroups: emulator.datasetGroups().length };
  if (left.trackers !== 0 || left.datasetGroups !== 0) {
    throw new Error(`Expected nothing left in the emulator, found ${JSON.stringify(emulator.trackers())} ${JSON.stringify(emulator.datasetGroups())}`);
  }
  story.done(`nothing is left: ${left.trackers} event trackers, ${left.datasetGroups} dataset groups in the emulator`);
}

function snapshot(stack: DeployedTracker['cfn']['cfn']): { arn: string; trackingId: string } {
  return { arn: stack.physicalResourceId ?? '', trackingId: stack.getAtt('TrackingId') };
}
