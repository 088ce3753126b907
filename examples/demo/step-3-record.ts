import * as fs from 'fs';
import * as path from 'path';
import { SynthesizedApp } from './cloud-assembly';
import { LocalDeployment } from './local-deployment';
import { invokeLocally, readFunction } from './local-function';
import { SAMPLE_INTERACTION } from './settings';
import { Story } from './story';
import { REPO_ROOT } from './synth';
import { findImports, shortId } from './template-summary';
import { PersonalizeEmulator } from '../../test/emulator/personalize-emulator';

/** Step 3: the Ingest stack's function, loaded from its bundle in cdk.out, records one interaction. */
export async function recordInteraction(
  story: Story, app: SynthesizedApp, emulator: PersonalizeEmulator, deployment: LocalDeployment, trackerArn: string,
): Promise<void> {
  const [stack, logicalId] = importingFunction(app);
  story.step(3, `Record an interaction with ${stack.name}'s function`,
    'The function calls PutEvents (@aws-sdk/client-personalize-events) with the trackingId from its environment.');
  const fn = readFunction(stack, logicalId, deployment);
  const bytes = fs.statSync(fn.file).size;
  story.say(`${shortId(logicalId)} (${fn.runtime}): export ${fn.exportName} of ${path.relative(REPO_ROOT, fn.file)}`);
  story.detail(`${(bytes / 1024).toFixed(1)} KB bundled by esbuild at synth time; the AWS SDK is external: Lambda's Node.js runtime provides it (here, node_modules)`);
  for (const [name, value] of Object.entries(fn.environment)) {
    story.detail(`environment ${name}=${value} (from the template)`);
  }
  story.detail(`environment AWS_ENDPOINT_URL_PERSONALIZE_EVENTS=${process.env.AWS_ENDPOINT_URL_PERSONALIZE_EVENTS} (the emulator)`);

  const before = emulator.receivedEvents(trackerArn).length;
  const outcome = await invokeLocally(fn, SAMPLE_INTERACTION, emulator.region, emulator.accountId);
  story.say(`invoked with ${JSON.stringify(SAMPLE_INTERACTION)}`);
  story.detail(`-> ${JSON.stringify(outcome.result)} in ${outcome.durationMs} ms`);

  const received = emulator.receivedEvents(trackerArn).slice(before);
  const [event] = received;
  if (received.length !== 1 || event.userId !== SAMPLE_INTERACTION.userId || event.sessionId !== SAMPLE_INTERACTION.sessionId
    || event.event.itemId !== SAMPLE_INTERACTION.itemId || event.event.eventType !== SAMPLE_INTERACTION.eventType) {
    throw new Error(`Expected the emulator to receive the interaction for ${trackerArn}, received ${JSON.stringify(received)}`);
  }
  story.say(`the emulator's PutEvents received it for tracker ${trackerArn.split('/').pop()}:`);
  story.detail(`userId ${event.userId}, sessionId ${event.sessionId}, eventType ${event.event.eventType}, itemId ${event.event.itemId}, `
    + `sentAt ${new Date(Number(event.event.sentAt) * 1000).toISOString()}`);
  story.done('1 event recorded (it would land in the Interactions dataset as USER_ID, ITEM_ID, EVENT_TYPE, TIMESTAMP)');
}

function importingFunction(app: SynthesizedApp): [ReturnType<SynthesizedApp['stack']>, string] {
  for (const stack of app.stacks) {
    for (const [id, fn] of stack.resourcesOfType('AWS::Lambda::Function')) {
      if (findImports(fn.Properties?.Environment).length > 0) return [stack, id];
    }
  }
  throw new Error('No Lambda function imports the trackingId');
}
