import { SmallWorld } from './small-world';
import { Owner } from '../../lambda/event-tracker/proof';
import { DeploymentFailure, reconcile } from '../../lambda/event-tracker/reconcile';
import type { Request } from '../../lambda/event-tracker/request';
import { Deadline } from '../../lambda/event-tracker/timing';

// The executor around the decision: it does what the decision names, looks again by itself at a
// tracker it has just created, and leaves anything it cannot see through to the Provider's next poll.

const THIS: Owner = { stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Shop/11111111-1111-1111-1111-111111111111', logicalResourceId: 'Clicks' };
const GROUP = 'arn:aws:personalize:us-east-1:123456789012:dataset-group/shop';
const CREATE: Request = {
  type: 'Create',
  requestId: 'r1',
  owner: THIS,
  declared: { name: 'plays', datasetGroupArn: GROUP, tags: new Map(), removal: { policy: 'destroy', explicit: false } },
};
const deadline = () => Deadline.fromContext({ getRemainingTimeInMillis: () => 60_000 });
const savedScale = process.env.EVENT_TRACKER_TIME_SCALE;

beforeAll(() => { process.env.EVENT_TRACKER_TIME_SCALE = '0.001'; });
afterAll(() => { process.env.EVENT_TRACKER_TIME_SCALE = savedScale; });
beforeEach(() => { jest.spyOn(console, 'log').mockImplementation(() => undefined); });

test('creates the tracker and looks again by itself until it is ACTIVE, reading its tags only once', async () => {
  const world = new SmallWorld('CREATE_IN_PROGRESS');
  const io = world.io();
  const send = io.personalize.send.bind(io.personalize);
  // Personalize finishes the creation while the handler looks the second time.
  let describes = 0;
  (io.personalize as any).send = async (command: any) => {
    if (command.constructor.name === 'DescribeEventTrackerCommand' && ++describes === 2) world.advance();
    return send(command);
  };
  const outcome = await reconcile(CREATE, io, deadline());
  expect(outcome).toEqual({ complete: true, answer: { arn: expect.stringMatching(/event-tracker\/new1$/), name: 'plays', trackingId: expect.any(String) } });
  expect(world.calls.map((call) => call.operation)).toEqual(['CreateEventTrackerCommand', 'DescribeEventTrackerCommand', 'DescribeEventTrackerCommand']);
});

test('leaves a tracker it did not create to the Provider\'s next poll', async () => {
  const world = new SmallWorld('CREATE_IN_PROGRESS');
  world.add({ arn: 'arn:aws:personalize:us-east-1:123456789012:event-tracker/other', name: 'plays', datasetGroupArn: GROUP, status: 'CREATE PENDING', tags: new Map() });
  expect(await reconcile(CREATE, world.io(), deadline())).toEqual({ complete: false });
});

test('answers "not yet" when Personalize is throttling, having decided nothing on it', async () => {
  const world = new SmallWorld('CREATE_IN_PROGRESS');
  const io = world.io();
  (io.personalize as any).send = async () => {
    throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
  };
  expect(await reconcile(CREATE, io, deadline())).toEqual({ complete: false });
});

test('a failure names the reason, and a tracker of the request that ended CREATE FAILED goes with it', async () => {
  const world = new SmallWorld('CREATE_IN_PROGRESS', 'CREATE FAILED');
  const io = world.io();
  const send = io.personalize.send.bind(io.personalize);
  (io.personalize as any).send = async (command: any) => {
    if (command.constructor.name === 'DescribeEventTrackerCommand') world.advance();
    return send(command);
  };
  const failure = await reconcile(CREATE, io, deadline()).catch((error) => error);
  expect(failure).toBeInstanceOf(DeploymentFailure);
  expect(failure.message).toMatch(/reached status CREATE FAILED instead of ACTIVE/);
  expect([...world.trackers.values()].map((t) => t.status)).toEqual(['DELETE PENDING']);
});
