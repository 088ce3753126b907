import { PersonalizeEmulator } from './emulator/personalize-emulator';
import type { Interaction } from '../examples/app/functions/interaction';

type Handler = (event: unknown) => Promise<{ recorded: number }>;

const ENV = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_PERSONALIZE_EVENTS', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'TRACKING_ID'];
const savedEnv = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

let emulator: PersonalizeEmulator;
let trackerArn: string;
let trackingId: string;
let handler: Handler;

const click: Interaction = { userId: 'user-1', sessionId: 'session-1', itemId: 'item-9', eventType: 'click' };

beforeAll(async () => {
  emulator = await PersonalizeEmulator.start();
  const datasetGroupArn = emulator.createDatasetGroup('shop');
  ({ arn: trackerArn, trackingId } = emulator.createForeignTracker({ name: 'shop-clicks', datasetGroupArn }));
  // What Lambda would give the function (region, credentials) plus the deployed TRACKING_ID, pointed at the emulator.
  Object.assign(process.env, {
    AWS_REGION: emulator.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_PERSONALIZE_EVENTS: emulator.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TRACKING_ID: trackingId,
  });
  // Loaded after the environment is set: the module creates its client when it loads, as in Lambda.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  handler = require('../examples/app/functions/record-interaction').handler;
});

afterAll(async () => {
  await emulator.stop();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('records one interaction with PutEvents: user, session, item, event type and time', async () => {
  const before = emulator.receivedEvents(trackerArn).length;

  await expect(handler({ ...click, occurredAt: '2024-05-01T12:00:00Z' })).resolves.toEqual({ recorded: 1 });

  const received = emulator.receivedEvents(trackerArn).slice(before);
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ trackingId, userId: 'user-1', sessionId: 'session-1' });
  expect(received[0].event).toMatchObject({ itemId: 'item-9', eventType: 'click', sentAt: Date.parse('2024-05-01T12:00:00Z') / 1000 });
});

test('stamps the interaction with the current time when it has no occurredAt', async () => {
  const before = emulator.receivedEvents(trackerArn).length;
  const start = Date.now() / 1000;

  await handler(click);

  const [received] = emulator.receivedEvents(trackerArn).slice(before);
  expect(received.event.sentAt).toBeGreaterThanOrEqual(Math.floor(start));
  expect(received.event.sentAt).toBeLessThanOrEqual(Date.now() / 1000 + 1);
});

test('fails on an interaction without itemId or with an empty userId, naming both, and sends nothing', async () => {
  const calls = emulator.callCount('PutEvents');

  await expect(handler({ ...click, itemId: undefined, userId: '' }))
    .rejects.toThrow(/Invalid interaction: userId must be a string of 1 to 256 characters \(got ""\); itemId must be .*\(got undefined\)/);
  expect(emulator.callCount('PutEvents')).toBe(calls);
});

test('fails on an occurredAt that is not a date', async () => {
  await expect(handler({ ...click, occurredAt: 'yesterday' })).rejects.toThrow('occurredAt must be an ISO 8601 date (got "yesterday")');
});

test('fails when TRACKING_ID is not set, saying how to fix it', async () => {
  delete process.env.TRACKING_ID;
  try {
    await expect(handler(click)).rejects.toThrow(/TRACKING_ID is not set: deploy this function with the event tracker's trackingId/);
  } finally {
    process.env.TRACKING_ID = trackingId;
  }
});

test('fails when Personalize rejects the trackingId', async () => {
  process.env.TRACKING_ID = '00000000-0000-0000-0000-000000000000';
  try {
    await expect(handler(click)).rejects.toThrow(expect.objectContaining({ name: 'InvalidInputException' }));
  } finally {
    process.env.TRACKING_ID = trackingId;
  }
  expect(emulator.calls('PutEvents').pop()?.outcome).toBe('InvalidInputException');
});
