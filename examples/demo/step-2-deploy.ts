import * as fs from 'fs';
import * as path from 'path';
import { SynthesizedApp, SynthesizedStack } from './cloud-assembly';
import { LocalDeployment } from './local-deployment';
import { readProvider } from './provider';
import { TIME_SCALE, TRACKER_TYPE } from './settings';
import { Story } from './story';
import { REPO_ROOT } from './synth';
import { constructPath, findImports, shortId } from './template-summary';
import { TrackerStack } from './tracker-stack';
import { PersonalizeEmulator } from '../../test/emulator/personalize-emulator';

export interface DeployedTracker {
  readonly stack: SynthesizedStack;
  readonly logicalId: string;
  readonly cfn: TrackerStack;
  /** The properties in effect, resolved. */
  readonly properties: Record<string, any>;
}

/** Step 2: the dataset group in the emulator, then the tracker's custom resource through the driver. */
export async function deployTracker(
  story: Story, app: SynthesizedApp, emulator: PersonalizeEmulator, deployment: LocalDeployment,
): Promise<DeployedTracker> {
  const stack = trackerStack(app);
  story.step(2, `Deploy the event tracker of ${stack.name}`,
    'CloudFormation is played by the local driver (test/driver): it sends the Create request to the Provider',
    'framework, which runs the handler\'s onEvent, then polls isComplete until the tracker is ACTIVE.');
  story.say(`Personalize emulator on ${emulator.endpoint} (${emulator.region}, account ${emulator.accountId})`);

  const [groupId, group] = stack.onlyResourceOfType('AWS::Personalize::DatasetGroup');
  const groupArn = emulator.createDatasetGroup(group.Properties?.Name);
  deployment.deploy(stack.name, groupId, {
    physicalId: groupArn,
    attribute: (name) => (name === 'DatasetGroupArn' ? groupArn : undefined),
    origin: 'the dataset group created in the emulator',
  });
  story.say(`AWS::Personalize::DatasetGroup ${groupId} "${group.Properties?.Name}" created in the emulator: ${groupArn}`);
  story.say('(the schema and the dataset are not emulated: a tracker only needs its dataset group)');

  const [logicalId, resource] = stack.onlyResourceOfType(TRACKER_TYPE);
  const provider = readProvider(stack, resource);
  const handlerFile = path.relative(REPO_ROOT, provider.handlerFile);
  const sameAsAssets = fs.readFileSync(provider.handlerFile).equals(fs.readFileSync(path.join(REPO_ROOT, 'assets', 'event-tracker', 'index.js')));
  story.say(`ServiceToken -> ${constructPath(stack, provider.frameworkLogicalId)}, which runs`);
  story.detail(`${constructPath(stack, provider.onEvent.logicalId)} (export ${provider.onEvent.exportName}, timeout ${provider.onEvent.timeoutSeconds} s) and`);
  story.detail(`${constructPath(stack, provider.isComplete.logicalId)} (export ${provider.isComplete.exportName}, timeout ${provider.isComplete.timeoutSeconds} s)`);
  story.detail(`code: ${handlerFile}${sameAsAssets ? ' (the same bytes as assets/event-tracker/index.js)' : ' (differs from assets/event-tracker/index.js: run npx projen bundle:handler)'}`);
  story.detail(`the waiter state machine polls isComplete every ${provider.intervalSeconds} s, at most ${provider.maxAttempts} times; here every ${provider.intervalSeconds * TIME_SCALE} s`);

  // The driver plays the ServiceToken: the other properties go to the handler as the template says.
  const templateProperties = { ...resource.Properties };
  delete templateProperties.ServiceToken;
  const trace: string[] = [];
  const properties = deployment.resolve(stack.name, templateProperties, trace);
  story.say(`${TRACKER_TYPE} ${logicalId}, properties resolved from the template:`);
  for (const [key, value] of Object.entries(properties)) {
    story.detail(`${key}: ${JSON.stringify(value)}`);
  }
  trace.forEach((hop) => story.detail(`  where ${hop}`));

  const cfn = new TrackerStack({
    stackName: stack.name, template: stack.template, logicalId, resourceType: resource.Type, provider, emulator, timeScale: TIME_SCALE,
  });
  deployment.deploy(stack.name, logicalId, {
    get physicalId() { return cfn.cfn.physicalResourceId ?? ''; },
    attribute: (name) => cfn.cfn.attributes[name],
    origin: 'an attribute of the deployed tracker: the Data its handler returned',
  });
  const report = await cfn.create(properties);
  story.say(`Create: stack ${report.result.status}`);
  report.lines.forEach((line) => story.detail(line));

  const [tracker] = emulator.trackers();
  const trackingId = cfn.cfn.getAtt('TrackingId');
  if (!tracker || tracker.status !== 'ACTIVE' || tracker.trackingId !== trackingId || tracker.arn !== cfn.cfn.physicalResourceId) {
    throw new Error(`After the create, expected one ACTIVE tracker with trackingId ${trackingId}, found ${JSON.stringify(emulator.trackers())}`);
  }
  story.say(`trackingId: ${trackingId}  (tracker ${tracker.arn})`);

  explainImportedTrackingId(story, app, deployment, trackingId);
  story.done(`tracker ${tracker.name} is ACTIVE`);
  return { stack, logicalId, cfn, properties };
}

/** Follows the Ingest function's environment variable back to the tracker: ImportValue -> Export -> GetAtt. */
function explainImportedTrackingId(story: Story, app: SynthesizedApp, deployment: LocalDeployment, trackingId: string): void {
  for (const stack of app.stacks) {
    for (const [id, fn] of stack.resourcesOfType('AWS::Lambda::Function')) {
      for (const [name, value] of Object.entries<unknown>(fn.Properties?.Environment?.Variables ?? {})) {
        if (findImports(value).length === 0) continue;
        const trace: string[] = [];
        const resolved = deployment.resolve(stack.name, value, trace);
        story.say(`${stack.name} ${shortId(id)} environment ${name}:`);
        trace.forEach((hop) => story.detail(`-> ${hop}`));
        if (resolved !== trackingId) {
          throw new Error(`${name} of ${shortId(id)} resolves to ${resolved}, not the tracker's trackingId ${trackingId}`);
        }
        story.detail(`= ${resolved}, the tracker's trackingId`);
        return;
      }
    }
  }
  throw new Error('No Lambda function imports the trackingId through its environment');
}

function trackerStack(app: SynthesizedApp): SynthesizedStack {
  const stacks = app.stacks.filter((s) => s.resourcesOfType(TRACKER_TYPE).length > 0);
  if (stacks.length !== 1) {
    throw new Error(`Expected one stack with a ${TRACKER_TYPE}, found ${stacks.length}`);
  }
  return stacks[0];
}
