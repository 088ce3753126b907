// `npx projen demo`: the example app, from `cdk synth` to a recorded event and back to nothing, locally.
import { useEmulator } from './local-aws';
import { LocalDeployment } from './local-deployment';
import { EMULATOR_TIMINGS, TIME_SCALE } from './settings';
import { synthesize } from './step-1-synthesize';
import { deployTracker } from './step-2-deploy';
import { recordInteraction } from './step-3-record';
import { changeAndDestroy } from './step-4-change-and-destroy';
import { takeOverExistingTracker } from './step-5-take-over';
import { seconds, Story } from './story';
import { PersonalizeEmulator } from '../../test/emulator/personalize-emulator';

async function main(story: Story): Promise<void> {
  story.title('Amazon Personalize event tracker: from a CDK app to a recorded event, locally',
    'Amazon Personalize recommends items from what users did: their interactions (views, clicks, purchases).',
    'An event tracker lets an application send interactions as they happen: it calls PutEvents with the tracker\'s',
    'trackingId, and the events land in the dataset group\'s Interactions dataset. This library creates the tracker',
    'in CloudFormation (a custom resource). Everything below runs on this machine: no AWS account, and nothing',
    'leaves 127.0.0.1.',
    `Time is compressed: the provider polls every ${5 * TIME_SCALE} s instead of 5 s, the handler waits ${1 / TIME_SCALE}x less, and`,
    `the emulated tracker is ACTIVE after ${(EMULATOR_TIMINGS.trackerCreatePendingMs + EMULATOR_TIMINGS.trackerCreateInProgressMs) / 1000} s (Personalize usually takes under a minute).`);

  const app = await synthesize(story);

  const emulator = await PersonalizeEmulator.start({ timings: EMULATOR_TIMINGS });
  try {
    useEmulator(emulator, TIME_SCALE);
    const deployment = new LocalDeployment(app, { region: emulator.region, accountId: emulator.accountId });
    const tracker = await deployTracker(story, app, emulator, deployment);
    await recordInteraction(story, app, emulator, deployment, tracker.cfn.cfn.physicalResourceId!);
    await changeAndDestroy(story, tracker, emulator, deployment);
    await takeOverExistingTracker(story, tracker, emulator);
  } finally {
    await emulator.stop();
  }
}

const story = new Story(5);
main(story).then(
  () => {
    console.log('');
    console.log(`Demo complete in ${seconds(story.elapsedMs())}.`);
  },
  (error: unknown) => {
    console.error('');
    console.error(`DEMO FAILED at ${story.currentStep || 'start-up'}: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  },
);
