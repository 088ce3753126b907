import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { PersonalizeEmulator } from './emulator/personalize-emulator';
import { newOutdir } from './helpers/outdir';
import { cdkJsonContext } from '../examples/app/cdk-json-context';
import { addExampleStacks } from '../examples/app/example-app';
import { SynthesizedApp } from '../examples/demo/cloud-assembly';
import { useEmulator } from '../examples/demo/local-aws';
import { LocalDeployment } from '../examples/demo/local-deployment';
import { readProvider } from '../examples/demo/provider';
import { EMULATOR_TIMINGS, TIME_SCALE, TRACKER_TYPE } from '../examples/demo/settings';
import { deployTracker } from '../examples/demo/step-2-deploy';
import { recordInteraction } from '../examples/demo/step-3-record';
import { changeAndDestroy } from '../examples/demo/step-4-change-and-destroy';
import { Story } from '../examples/demo/story';

const PERSONALIZE = 'EventTrackerExample-Personalize';
const INGEST = 'EventTrackerExample-Ingest';
const savedEnv = { ...process.env };
let app: SynthesizedApp;

/** The example synthesized in-process (the demo runs the cdk CLI for this; steps 2-4 only read the assembly). */
beforeAll(() => {
  const outdir = newOutdir();
  // The function's bundle keeps the AWS SDK external, as Lambda provides it: here, the repository's node_modules.
  fs.symlinkSync(path.join(__dirname, '..', 'node_modules'), path.join(outdir, 'node_modules'), 'dir');
  const cdkApp = new App({ outdir, context: cdkJsonContext() });
  addExampleStacks(cdkApp);
  app = new SynthesizedApp(cdkApp.synth().directory);
});

afterAll(() => {
  process.env = savedEnv;
});

function deployedTracker(deployment: LocalDeployment, trackingId: string): void {
  const [trackerId] = app.stack(PERSONALIZE).onlyResourceOfType(TRACKER_TYPE);
  deployment.deploy(PERSONALIZE, trackerId, {
    physicalId: 'arn:aws:personalize:us-east-1:123456789012:event-tracker/abc',
    attribute: (name) => ({ TrackingId: trackingId } as Record<string, string>)[name],
    origin: 'test',
  });
}

describe('reading the templates', () => {
  test('the provider is followed from the ServiceToken to the handler module and the waiter\'s retry policy', () => {
    const stack = app.stack(PERSONALIZE);
    const [, tracker] = stack.onlyResourceOfType(TRACKER_TYPE);
    const provider = readProvider(stack, tracker);

    expect(provider).toMatchObject({
      onEvent: { exportName: 'onEvent', timeoutSeconds: 60, runtime: 'nodejs24.x' },
      isComplete: { exportName: 'isComplete', timeoutSeconds: 180 },
      intervalSeconds: 5,
      maxAttempts: 240,
    });
    const shipped = fs.readFileSync(path.join(__dirname, '..', 'assets', 'event-tracker', 'index.js'));
    expect(fs.readFileSync(provider.handlerFile).equals(shipped)).toBe(true);
  });

  test('the function\'s TRACKING_ID resolves through ImportValue, the export, and GetAtt of the tracker', () => {
    const deployment = new LocalDeployment(app, { region: 'us-east-1', accountId: '123456789012' });
    deployedTracker(deployment, 'tracking-id-1');
    const [, fn] = app.stack(INGEST).onlyResourceOfType('AWS::Lambda::Function');
    const trace: string[] = [];

    expect(deployment.resolve(INGEST, fn.Properties?.Environment, trace)).toEqual({ Variables: { TRACKING_ID: 'tracking-id-1' } });
    expect(trace).toEqual([
      expect.stringMatching(new RegExp(`^\\{ Fn::ImportValue: ${PERSONALIZE}:ExportsOutput.*TrackingId.* \\} -> the export of stack ${PERSONALIZE}`)),
      expect.stringMatching(/^\{ Fn::GetAtt: \[Tracker[0-9A-F]{8}, TrackingId\] \} -> tracking-id-1 \(test\)$/),
    ]);
  });

  test('Fn::Sub, Fn::Join, Fn::Select and pseudo parameters resolve like CloudFormation', () => {
    const deployment = new LocalDeployment(app, { region: 'eu-west-1', accountId: '111122223333' });
    const value = {
      'Fn::Join': [':', [{ 'Fn::Sub': 'cdk-${AWS::AccountId}-${AWS::Region}' }, { 'Fn::Select': [1, ['a', { Ref: 'AWS::Partition' }]] }]],
    };
    expect(deployment.resolve(PERSONALIZE, value)).toBe('cdk-111122223333-eu-west-1:aws');
  });

  test('fails on a reference to a resource that is not deployed', () => {
    const deployment = new LocalDeployment(app, { region: 'us-east-1', accountId: '123456789012' });
    const [, fn] = app.stack(INGEST).onlyResourceOfType('AWS::Lambda::Function');
    expect(() => deployment.resolve(INGEST, fn.Properties?.Environment)).toThrow(/Fn::GetAtt Tracker[0-9A-F]{8}\.TrackingId: Tracker[0-9A-F]{8} is not deployed locally/);
  });

  test('fails on an intrinsic function it does not support, rather than guessing', () => {
    const deployment = new LocalDeployment(app, { region: 'us-east-1', accountId: '123456789012' });
    expect(() => deployment.resolve(PERSONALIZE, { 'Fn::Base64': 'x' })).toThrow('Fn::Base64 is not supported by this local deployment');
  });

  test('fails on an import no stack exports', () => {
    const deployment = new LocalDeployment(app, { region: 'us-east-1', accountId: '123456789012' });
    expect(() => deployment.resolve(INGEST, { 'Fn::ImportValue': 'nobody' })).toThrow('Fn::ImportValue nobody: no stack exports it');
  });
});

test('demo steps 2 to 4: deploy the tracker, record an interaction, change the tracker, destroy it', async () => {
  const lines: string[] = [];
  const story = new Story(4, (line) => lines.push(line));
  const emulator = await PersonalizeEmulator.start({ timings: EMULATOR_TIMINGS });
  try {
    useEmulator(emulator, TIME_SCALE);
    const deployment = new LocalDeployment(app, { region: emulator.region, accountId: emulator.accountId });

    const tracker = await deployTracker(story, app, emulator, deployment);
    const arn = tracker.cfn.cfn.physicalResourceId!;
    expect(emulator.statusHistory(arn).map((c) => c.status)).toEqual(['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']);
    expect(lines).toContainEqual(expect.stringMatching(/Personalize {5}CREATE PENDING {5}tracker EventTrackerExample-Personalize-Tracker-/));
    expect(lines).toContainEqual(expect.stringMatching(/CloudFormation {2}CREATE_COMPLETE/));
    expect(lines).toContainEqual(expect.stringContaining(`= ${tracker.cfn.cfn.getAtt('TrackingId')}, the tracker's trackingId`));

    await recordInteraction(story, app, emulator, deployment, arn);
    expect(emulator.receivedEvents(arn)).toHaveLength(1);
    expect(lines).toContainEqual(expect.stringContaining('-> {"recorded":1}'));

    await changeAndDestroy(story, tracker, emulator, deployment);
    expect(lines).toContainEqual(expect.stringMatching(/trackingId: \S+ -> \S+/));
    expect(lines).toContainEqual(expect.stringContaining('done in'));
    expect(emulator.trackers()).toEqual([]);
    expect(emulator.datasetGroups()).toEqual([]);
    expect(emulator.trackers({ includeDeleted: true }).map((t) => t.name)).toEqual([
      'EventTrackerExample-Personalize-Tracker-c5502b79', 'EventTrackerExample-interactions',
    ]);
  } finally {
    await emulator.stop();
  }
});
