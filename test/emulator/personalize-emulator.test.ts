import {
  CreateDatasetGroupCommand,
  CreateEventTrackerCommand,
  DeleteDatasetGroupCommand,
  DeleteEventTrackerCommand,
  DescribeDatasetGroupCommand,
  DescribeEventTrackerCommand,
  ListDatasetGroupsCommand,
  ListEventTrackersCommand,
  ListSolutionsCommand,
  ListTagsForResourceCommand,
  paginateListEventTrackers,
  PersonalizeClient,
  PersonalizeClientConfig,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-personalize';
import { PersonalizeEventsClient, PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { EmulatorOptions, PersonalizeEmulator } from './personalize-emulator';

/** What the SDK throws for a service error. */
interface SdkError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode?: number };
}

const started: PersonalizeEmulator[] = [];
const clients: Array<{ destroy(): void }> = [];

async function startEmulator(options: EmulatorOptions = {}): Promise<PersonalizeEmulator> {
  const emulator = await PersonalizeEmulator.start(options);
  started.push(emulator);
  return emulator;
}

function personalize(emulator: PersonalizeEmulator, extra: Partial<PersonalizeClientConfig> = {}): PersonalizeClient {
  const client = new PersonalizeClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...extra,
  });
  clients.push(client);
  return client;
}

function personalizeEvents(emulator: PersonalizeEmulator): PersonalizeEventsClient {
  const client = new PersonalizeEventsClient({ ...emulator.clientConfig(), maxAttempts: 1 });
  clients.push(client);
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A manual clock: the status timeline only moves when the test advances it. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

async function statusOf(client: PersonalizeClient, eventTrackerArn: string): Promise<string | undefined> {
  const { eventTracker } = await client.send(new DescribeEventTrackerCommand({ eventTrackerArn }));
  return eventTracker?.status;
}

async function createTracker(client: PersonalizeClient, name: string, datasetGroupArn: string) {
  return client.send(new CreateEventTrackerCommand({ name, datasetGroupArn }));
}

afterEach(async () => {
  clients.splice(0).forEach(client => client.destroy());
  await Promise.all(started.splice(0).map(emulator => emulator.stop()));
});

describe('event tracker lifecycle', () => {
  test('create, describe, list and delete follow the configured timeline', async () => {
    const clock = manualClock();
    const emulator = await startEmulator({
      clock: clock.now,
      timings: { trackerCreatePendingMs: 20, trackerCreateInProgressMs: 50, trackerDeletePendingMs: 10, trackerDeleteInProgressMs: 30 },
    });
    const client = personalize(emulator);
    const groupArn = emulator.createDatasetGroup('shop');
    const createdAt = clock.now();

    const { eventTrackerArn, trackingId } = await createTracker(client, 'clicks', groupArn);
    expect(eventTrackerArn).toMatch(/^arn:aws:personalize:us-east-1:123456789012:event-tracker\/[0-9a-f]{8}$/);
    expect(trackingId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const { eventTracker } = await client.send(new DescribeEventTrackerCommand({ eventTrackerArn }));
    expect(eventTracker).toEqual({
      name: 'clicks',
      eventTrackerArn,
      accountId: '123456789012',
      trackingId,
      datasetGroupArn: groupArn,
      status: 'CREATE PENDING',
      creationDateTime: new Date(createdAt),
      lastUpdatedDateTime: new Date(createdAt),
    });

    clock.advance(19);
    expect(await statusOf(client, eventTrackerArn!)).toBe('CREATE PENDING');
    clock.advance(1);
    expect(await statusOf(client, eventTrackerArn!)).toBe('CREATE IN_PROGRESS');
    clock.advance(50);
    const active = await client.send(new DescribeEventTrackerCommand({ eventTrackerArn }));
    expect(active.eventTracker?.status).toBe('ACTIVE');
    expect(active.eventTracker?.lastUpdatedDateTime).toEqual(new Date(createdAt + 70));

    const listed = await client.send(new ListEventTrackersCommand({}));
    expect(listed.eventTrackers).toEqual([{
      name: 'clicks', eventTrackerArn, status: 'ACTIVE', creationDateTime: new Date(createdAt), lastUpdatedDateTime: new Date(createdAt + 70),
    }]);

    clock.advance(5);
    await client.send(new DeleteEventTrackerCommand({ eventTrackerArn }));
    expect(await statusOf(client, eventTrackerArn!)).toBe('DELETE PENDING');
    clock.advance(10);
    expect(await statusOf(client, eventTrackerArn!)).toBe('DELETE IN_PROGRESS');
    expect((await client.send(new ListEventTrackersCommand({}))).eventTrackers).toHaveLength(1);
    clock.advance(30);

    expect((await rejection(client.send(new DescribeEventTrackerCommand({ eventTrackerArn })))).name).toBe('ResourceNotFoundException');
    expect((await rejection(client.send(new DeleteEventTrackerCommand({ eventTrackerArn })))).name).toBe('ResourceNotFoundException');
    expect((await client.send(new ListEventTrackersCommand({}))).eventTrackers).toEqual([]);
    expect(emulator.statusHistory(eventTrackerArn!)).toEqual([
      { status: 'CREATE PENDING', at: createdAt },
      { status: 'CREATE IN_PROGRESS', at: createdAt + 20 },
      { status: 'ACTIVE', at: createdAt + 70 },
      { status: 'DELETE PENDING', at: createdAt + 75 },
      { status: 'DELETE IN_PROGRESS', at: createdAt + 85 },
      { status: 'DELETED', at: createdAt + 115 },
    ]);
    expect(emulator.trackers()).toEqual([]);
    expect(emulator.tracker(eventTrackerArn!)?.status).toBe('DELETED');
  });

  test('a tracker becomes ACTIVE in real time and the SDK sees its statuses in order', async () => {
    const emulator = await startEmulator({ timings: { trackerCreatePendingMs: 30, trackerCreateInProgressMs: 30 } });
    const client = personalize(emulator);
    const { eventTrackerArn } = await createTracker(client, 'clicks', emulator.createDatasetGroup('shop'));

    const seen: string[] = [];
    while (seen[seen.length - 1] !== 'ACTIVE') {
      const status = (await statusOf(client, eventTrackerArn!))!;
      if (seen[seen.length - 1] !== status) seen.push(status);
      await new Promise(resolve => setTimeout(resolve, 2));
    }
    const history = emulator.statusHistory(eventTrackerArn!);
    expect(history.map(change => change.status)).toEqual(['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']);
    expect([history[1].at - history[0].at, history[2].at - history[1].at]).toEqual([30, 30]);
    // Polling may miss a phase on a slow machine, but never sees one out of order.
    expect(history.map(change => change.status).filter(status => seen.includes(status))).toEqual(seen);
  });

  test('name-style ARNs end with the tracker name', async () => {
    const emulator = await startEmulator({ trackerArnStyle: 'name', region: 'eu-west-1', accountId: '111122223333' });
    const { eventTrackerArn } = await createTracker(personalize(emulator, { region: 'eu-west-1' }), 'clicks', emulator.createDatasetGroup('shop'));
    expect(eventTrackerArn).toBe('arn:aws:personalize:eu-west-1:111122223333:event-tracker/clicks');
  });

  test('the client finds the emulator through AWS_ENDPOINT_URL_PERSONALIZE', async () => {
    const emulator = await startEmulator();
    const previous = process.env.AWS_ENDPOINT_URL_PERSONALIZE;
    process.env.AWS_ENDPOINT_URL_PERSONALIZE = emulator.endpoint;
    try {
      const client = new PersonalizeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
      clients.push(client);
      const { eventTrackerArn } = await createTracker(client, 'clicks', emulator.createDatasetGroup('shop'));
      expect(emulator.trackers().map(t => t.arn)).toEqual([eventTrackerArn]);
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_PERSONALIZE;
      else process.env.AWS_ENDPOINT_URL_PERSONALIZE = previous;
    }
  });
});

describe('creation rules', () => {
  test('rejects a second tracker on a dataset group, naming the existing tracker, until the first is gone', async () => {
    const clock = manualClock();
    const emulator = await startEmulator({ clock: clock.now, timings: { trackerCreatePendingMs: 10, trackerCreateInProgressMs: 10 } });
    const client = personalize(emulator);
    const groupArn = emulator.createDatasetGroup('shop');
    const first = await createTracker(client, 'first', groupArn);

    const whilePending = await rejection(createTracker(client, 'second', groupArn));
    expect(whilePending.name).toBe('ResourceAlreadyExistsException');
    expect(whilePending.message).toContain(first.eventTrackerArn);

    clock.advance(20);
    await client.send(new DeleteEventTrackerCommand({ eventTrackerArn: first.eventTrackerArn }));
    const whileDeleting = await rejection(createTracker(client, 'second', groupArn));
    expect(whileDeleting.name).toBe('ResourceAlreadyExistsException');
    expect(whileDeleting.message).toContain(first.eventTrackerArn);

    clock.advance(1_000);
    const second = await createTracker(client, 'second', groupArn);
    expect(emulator.trackers().map(t => t.arn)).toEqual([second.eventTrackerArn]);
  });

  test('rejects a tracker name already used on another dataset group', async () => {
    const emulator = await startEmulator();
    const client = personalize(emulator);
    const first = await createTracker(client, 'clicks', emulator.createDatasetGroup('shop'));
    const error = await rejection(createTracker(client, 'clicks', emulator.createDatasetGroup('outlet')));
    expect(error.name).toBe('ResourceAlreadyExistsException');
    expect(error.message).toContain(first.eventTrackerArn);
    expect(emulator.trackers()).toHaveLength(1);
  });

  test('rejects a dataset group that does not exist or is not ACTIVE yet', async () => {
    const clock = manualClock();
    const emulator = await startEmulator({ clock: clock.now });
    const client = personalize(emulator);
    const pendingGroup = emulator.createDatasetGroup('shop', { activeAfterMs: 100 });

    const missing = await rejection(createTracker(client, 'clicks', 'arn:aws:personalize:us-east-1:123456789012:dataset-group/nope'));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toContain('dataset-group/nope');

    const notActive = await rejection(createTracker(client, 'clicks', pendingGroup));
    expect(notActive.name).toBe('ResourceInUseException');
    expect(emulator.datasetGroups()[0].status).toBe('CREATE PENDING');

    clock.advance(100);
    await createTracker(client, 'clicks', pendingGroup);
    expect(emulator.trackers()).toHaveLength(1);
  });

  test('rejects deleting a tracker that is still being created or already being deleted', async () => {
    const clock = manualClock();
    const emulator = await startEmulator({ clock: clock.now, timings: { trackerCreatePendingMs: 10, trackerCreateInProgressMs: 10 } });
    const client = personalize(emulator);
    const { eventTrackerArn } = await createTracker(client, 'clicks', emulator.createDatasetGroup('shop'));

    expect((await rejection(client.send(new DeleteEventTrackerCommand({ eventTrackerArn })))).name).toBe('ResourceInUseException');
    clock.advance(10);
    expect(await statusOf(client, eventTrackerArn!)).toBe('CREATE IN_PROGRESS');
    expect((await rejection(client.send(new DeleteEventTrackerCommand({ eventTrackerArn })))).name).toBe('ResourceInUseException');
    clock.advance(10);
    await client.send(new DeleteEventTrackerCommand({ eventTrackerArn }));
    const again = await rejection(client.send(new DeleteEventTrackerCommand({ eventTrackerArn })));
    expect(again.name).toBe('ResourceInUseException');
    expect(again.message).toContain('DELETE PENDING');
    expect(emulator.calls('DeleteEventTracker').map(call => call.outcome))
      .toEqual(['ResourceInUseException', 'ResourceInUseException', 'ok', 'ResourceInUseException']);
  });

  test('rejects deleting a dataset group that still has a tracker', async () => {
    const clock = manualClock();
    const emulator = await startEmulator({ clock: clock.now, timings: { trackerCreatePendingMs: 0, trackerCreateInProgressMs: 0 } });
    const client = personalize(emulator);
    const datasetGroupArn = emulator.createDatasetGroup('shop');
    const { eventTrackerArn } = await createTracker(client, 'clicks', datasetGroupArn);

    const error = await rejection(client.send(new DeleteDatasetGroupCommand({ datasetGroupArn })));
    expect(error.name).toBe('ResourceInUseException');
    expect(error.message).toContain(eventTrackerArn);

    await client.send(new DeleteEventTrackerCommand({ eventTrackerArn }));
    expect((await rejection(client.send(new DeleteDatasetGroupCommand({ datasetGroupArn })))).name).toBe('ResourceInUseException');
    clock.advance(1_000);
    await client.send(new DeleteDatasetGroupCommand({ datasetGroupArn }));
    expect((await rejection(client.send(new DescribeDatasetGroupCommand({ datasetGroupArn })))).name).toBe('ResourceNotFoundException');
    expect(emulator.datasetGroups()).toEqual([]);
  });

  test('dataset groups created through the API go from CREATE PENDING to ACTIVE and can be listed', async () => {
    const clock = manualClock();
    const emulator = await startEmulator({ clock: clock.now, timings: { datasetGroupActiveMs: 50 } });
    const client = personalize(emulator);
    const { datasetGroupArn } = await client.send(new CreateDatasetGroupCommand({ name: 'shop', domain: 'ECOMMERCE' }));
    expect(datasetGroupArn).toBe('arn:aws:personalize:us-east-1:123456789012:dataset-group/shop');
    expect((await client.send(new DescribeDatasetGroupCommand({ datasetGroupArn }))).datasetGroup?.status).toBe('CREATE PENDING');
    clock.advance(50);
    const { datasetGroup } = await client.send(new DescribeDatasetGroupCommand({ datasetGroupArn }));
    expect(datasetGroup).toMatchObject({ name: 'shop', status: 'ACTIVE', domain: 'ECOMMERCE' });
    expect((await rejection(client.send(new CreateDatasetGroupCommand({ name: 'shop' })))).name).toBe('ResourceAlreadyExistsException');
    const listed = await client.send(new ListDatasetGroupsCommand({}));
    expect(listed.datasetGroups?.map(g => g.datasetGroupArn)).toEqual([datasetGroupArn]);
  });
});

describe('input validation', () => {
  const groupArn = 'arn:aws:personalize:us-east-1:123456789012:dataset-group/shop';
  const tags = (count: number) => Array.from({ length: count }, (_, i) => ({ tagKey: `k${i}`, tagValue: 'v' }));

  test.each([
    ['an empty name', { name: '', datasetGroupArn: groupArn }, 'InvalidInputException', "'name'"],
    ['a name with a space', { name: 'has space', datasetGroupArn: groupArn }, 'InvalidInputException', "'name'"],
    ['a name starting with a hyphen', { name: '-clicks', datasetGroupArn: groupArn }, 'InvalidInputException', "'name'"],
    ['a 64-character name', { name: 'a'.repeat(64), datasetGroupArn: groupArn }, 'InvalidInputException', "'name'"],
    ['a malformed dataset group ARN', { name: 'clicks', datasetGroupArn: 'arn:aws:s3:::bucket' }, 'InvalidInputException', "'datasetGroupArn'"],
    ['a 257-character ARN', { name: 'clicks', datasetGroupArn: `${groupArn}${'x'.repeat(257 - groupArn.length)}` }, 'InvalidInputException', "'datasetGroupArn'"],
    ['51 tags', { name: 'clicks', datasetGroupArn: groupArn, tags: tags(51) }, 'TooManyTagsException', '51'],
    ['a tag key starting with aws:', { name: 'clicks', datasetGroupArn: groupArn, tags: [{ tagKey: 'aws:owner', tagValue: 'x' }] }, 'InvalidInputException', 'aws:'],
    ['a 129-character tag key', { name: 'clicks', datasetGroupArn: groupArn, tags: [{ tagKey: 'k'.repeat(129), tagValue: 'x' }] }, 'InvalidInputException', 'tagKey'],
    ['a 257-character tag value', { name: 'clicks', datasetGroupArn: groupArn, tags: [{ tagKey: 'k', tagValue: 'v'.repeat(257) }] }, 'InvalidInputException', 'tagValue'],
  ])('rejects CreateEventTracker with %s', async (_case, input, errorName, inMessage) => {
    const emulator = await startEmulator();
    emulator.createDatasetGroup('shop');
    const error = await rejection(personalize(emulator).send(new CreateEventTrackerCommand(input)));
    expect(error.name).toBe(errorName);
    expect(error.message).toContain(inMessage);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$fault).toBe('client');
    expect(emulator.trackers()).toEqual([]);
  });

  test('accepts the boundary values: 63-character name, 50 tags, 128-character key, empty and 256-character values', async () => {
    const emulator = await startEmulator();
    const client = personalize(emulator);
    const boundaryTags = [...tags(48), { tagKey: 'k'.repeat(128), tagValue: '' }, { tagKey: 'long', tagValue: 'v'.repeat(256) }];
    const { eventTrackerArn } = await client.send(new CreateEventTrackerCommand({
      name: `a${'-_9'.repeat(20)}bc`, datasetGroupArn: emulator.createDatasetGroup('shop'), tags: boundaryTags,
    }));
    expect(Object.keys(emulator.tracker(eventTrackerArn!)!.tags)).toHaveLength(50);
  });

  test('rejects UntagResource with more than 50 keys and List calls with maxResults outside 1-100', async () => {
    const emulator = await startEmulator();
    const client = personalize(emulator);
    const resourceArn = emulator.createDatasetGroup('shop');
    const tooManyKeys = await rejection(client.send(new UntagResourceCommand({ resourceArn, tagKeys: tags(51).map(t => t.tagKey) })));
    expect(tooManyKeys.name).toBe('TooManyTagKeysException');
    for (const maxResults of [0, 101]) {
      const error = await rejection(client.send(new ListEventTrackersCommand({ maxResults })));
      expect(error.name).toBe('InvalidInputException');
      expect(error.message).toContain('maxResults');
    }
  });

  test('rejects an operation the emulator does not serve with UnknownOperationException', async () => {
    const emulator = await startEmulator();
    const error = await rejection(personalize(emulator).send(new ListSolutionsCommand({})));
    expect(error.name).toBe('UnknownOperationException');
    expect(error.message).toContain('ListSolutions');
    expect(emulator.calls()).toEqual([expect.objectContaining({ operation: 'ListSolutions', outcome: 'UnknownOperationException' })]);
  });
});

describe('tags', () => {
  test('tags are created with the tracker, upserted by TagResource and removed by UntagResource', async () => {
    const emulator = await startEmulator();
    const client = personalize(emulator);
    const { eventTrackerArn: resourceArn } = await client.send(new CreateEventTrackerCommand({
      name: 'clicks', datasetGroupArn: emulator.createDatasetGroup('shop'), tags: [{ tagKey: 'team', tagValue: 'search' }, { tagKey: 'env', tagValue: 'dev' }],
    }));
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([
      { tagKey: 'team', tagValue: 'search' }, { tagKey: 'env', tagValue: 'dev' },
    ]);

    await client.send(new TagResourceCommand({ resourceArn, tags: [{ tagKey: 'env', tagValue: 'prod' }, { tagKey: 'cost', tagValue: '42' }] }));
    await client.send(new UntagResourceCommand({ resourceArn, tagKeys: ['team', 'absent'] }));

    expect((await client.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([
      { tagKey: 'env', tagValue: 'prod' }, { tagKey: 'cost', tagValue: '42' },
    ]);
    expect(emulator.tracker(resourceArn!)).toMatchObject({ tags: { env: 'prod', cost: '42' }, version: 3 });
  });

  test('rejects TagResource that would exceed 50 tags, and tagging a resource that is gone', async () => {
    const emulator = await startEmulator({ timings: { trackerCreatePendingMs: 0, trackerCreateInProgressMs: 0 } });
    const client = personalize(emulator);
    const tags = Array.from({ length: 30 }, (_, i) => ({ tagKey: `k${i}`, tagValue: 'v' }));
    const { eventTrackerArn: resourceArn } = await client.send(new CreateEventTrackerCommand({
      name: 'clicks', datasetGroupArn: emulator.createDatasetGroup('shop'), tags,
    }));
    const more = Array.from({ length: 21 }, (_, i) => ({ tagKey: `m${i}`, tagValue: 'v' }));
    expect((await rejection(client.send(new TagResourceCommand({ resourceArn, tags: more })))).name).toBe('TooManyTagsException');
    expect(Object.keys(emulator.tracker(resourceArn!)!.tags)).toHaveLength(30);

    emulator.deleteTrackerBehindTheStacksBack(resourceArn!);
    const gone = await rejection(client.send(new TagResourceCommand({ resourceArn, tags: [{ tagKey: 'a', tagValue: 'b' }] })));
    expect(gone.name).toBe('ResourceNotFoundException');
    expect((await rejection(client.send(new ListTagsForResourceCommand({ resourceArn })))).name).toBe('ResourceNotFoundException');
  });
});

describe('paging', () => {
  test('ListEventTrackers pages with maxResults and nextToken, filters by dataset group, and rejects a bad token', async () => {
    const emulator = await startEmulator();
    const client = personalize(emulator);
    const groups = ['a', 'b', 'c', 'd', 'e'].map(name => emulator.createDatasetGroup(`group-${name}`));
    const arns: string[] = [];
    for (const [i, datasetGroupArn] of groups.entries()) {
      arns.push((await createTracker(client, `tracker-${i}`, datasetGroupArn)).eventTrackerArn!);
    }

    const pageSizes: number[] = [];
    const listed: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListEventTrackersCommand({ maxResults: 2, nextToken }));
      pageSizes.push(page.eventTrackers!.length);
      listed.push(...page.eventTrackers!.map(t => t.eventTrackerArn!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(listed).toEqual(arns);

    const viaPaginator: string[] = [];
    for await (const page of paginateListEventTrackers({ client, pageSize: 3 }, {})) {
      viaPaginator.push(...page.eventTrackers!.map(t => t.eventTrackerArn!));
    }
    expect(viaPaginator).toEqual(arns);

    const filtered = await client.send(new ListEventTrackersCommand({ datasetGroupArn: groups[3] }));
    expect(filtered.eventTrackers?.map(t => t.eventTrackerArn)).toEqual([arns[3]]);
    expect(filtered.nextToken).toBeUndefined();

    expect((await rejection(client.send(new ListEventTrackersCommand({ nextToken: 'garbage' })))).name).toBe('InvalidNextTokenException');
    const { nextToken: unfilteredToken } = await client.send(new ListEventTrackersCommand({ maxResults: 1 }));
    const reused = await rejection(client.send(new ListEventTrackersCommand({ nextToken: unfilteredToken, datasetGroupArn: groups[0] })));
    expect(reused.name).toBe('InvalidNextTokenException');
  });
});

describe('injected outcomes', () => {
  test('an injected CREATE FAILED outcome applies to that name only, and a failed tracker can be deleted', async () => {
    const clock = manualClock();
    const emulator = await startEmulator({ clock: clock.now, timings: { trackerCreatePendingMs: 5, trackerCreateInProgressMs: 5 } });
    const client = personalize(emulator);
    emulator.injectCreateFailure('doomed', 1);
    const doomed = await createTracker(client, 'doomed', emulator.createDatasetGroup('shop'));
    const healthy = await createTracker(client, 'healthy', emulator.createDatasetGroup('outlet'));
    clock.advance(10);
    expect(await statusOf(client, doomed.eventTrackerArn!)).toBe('CREATE FAILED');
    expect(await statusOf(client, healthy.eventTrackerArn!)).toBe('ACTIVE');

    await client.send(new DeleteEventTrackerCommand({ eventTrackerArn: doomed.eventTrackerArn }));
    expect(await statusOf(client, doomed.eventTrackerArn!)).toBe('DELETE PENDING');
    clock.advance(1_000);
    const retried = await createTracker(client, 'doomed', emulator.createDatasetGroup('third'));
    clock.advance(10);
    expect(await statusOf(client, retried.eventTrackerArn!)).toBe('ACTIVE');
    expect(emulator.statusHistory(doomed.eventTrackerArn!).map(change => change.status))
      .toEqual(['CREATE PENDING', 'CREATE IN_PROGRESS', 'CREATE FAILED', 'DELETE PENDING', 'DELETE IN_PROGRESS', 'DELETED']);
  });

  test('a tracker deleted behind the stack\'s back is gone at once and frees its dataset group', async () => {
    const emulator = await startEmulator({ timings: { trackerCreatePendingMs: 0, trackerCreateInProgressMs: 0 } });
    const client = personalize(emulator);
    const groupArn = emulator.createDatasetGroup('shop');
    const { eventTrackerArn } = await createTracker(client, 'clicks', groupArn);
    expect(await statusOf(client, eventTrackerArn!)).toBe('ACTIVE');

    emulator.deleteTrackerBehindTheStacksBack(eventTrackerArn!);
    expect((await rejection(client.send(new DescribeEventTrackerCommand({ eventTrackerArn })))).name).toBe('ResourceNotFoundException');
    expect((await rejection(client.send(new DeleteEventTrackerCommand({ eventTrackerArn })))).name).toBe('ResourceNotFoundException');
    expect(emulator.statusHistory(eventTrackerArn!).map(change => change.status)).toEqual(['ACTIVE', 'DELETED']);
    await createTracker(client, 'clicks', groupArn);
    expect(emulator.trackers()).toHaveLength(1);
  });

  test('a foreign tracker is ACTIVE at once, blocks its group and stays untouched by unrelated calls', async () => {
    const emulator = await startEmulator();
    const client = personalize(emulator);
    const groupArn = emulator.createDatasetGroup('shop');
    const foreign = emulator.createForeignTracker({ name: 'theirs', datasetGroupArn: groupArn, tags: [{ tagKey: 'owner', tagValue: 'other-team' }] });
    expect(foreign).toMatchObject({ status: 'ACTIVE', foreign: true, version: 1 });

    const error = await rejection(createTracker(client, 'mine', groupArn));
    expect(error.name).toBe('ResourceAlreadyExistsException');
    expect(error.message).toContain(foreign.arn);
    await client.send(new DescribeEventTrackerCommand({ eventTrackerArn: foreign.arn }));
    await client.send(new ListEventTrackersCommand({}));
    expect(emulator.tracker(foreign.arn)).toEqual(foreign);
  });
});

describe('the clock', () => {
  const HOUR = 60 * 60 * 1000;
  const DAY = 24 * HOUR;

  test('a foreign tracker reports a creation 30 days ago by default, or createdAgoMs ago, and was ACTIVE since', async () => {
    const clock = manualClock();
    const emulator = await startEmulator({ clock: clock.now });
    const client = personalize(emulator);
    const old = emulator.createForeignTracker({ name: 'old', datasetGroupArn: emulator.createDatasetGroup('a') });
    const young = emulator.createForeignTracker({ name: 'young', datasetGroupArn: emulator.createDatasetGroup('b'), createdAgoMs: 5_000 });

    const described = await client.send(new DescribeEventTrackerCommand({ eventTrackerArn: young.arn }));
    expect(described.eventTracker).toMatchObject({
      status: 'ACTIVE', creationDateTime: new Date(clock.now() - 5_000), lastUpdatedDateTime: new Date(clock.now() - 5_000),
    });
    const listed = await client.send(new ListEventTrackersCommand({}));
    expect(listed.eventTrackers?.map(t => [t.name, t.status, t.creationDateTime, t.lastUpdatedDateTime])).toEqual([
      ['old', 'ACTIVE', new Date(clock.now() - 30 * DAY), new Date(clock.now() - 30 * DAY)],
      ['young', 'ACTIVE', new Date(clock.now() - 5_000), new Date(clock.now() - 5_000)],
    ]);
    expect(emulator.statusHistory(old.arn)).toEqual([{ status: 'ACTIVE', at: clock.now() - 30 * DAY }]);
    expect(() => emulator.createForeignTracker({ name: 'future', datasetGroupArn: emulator.createDatasetGroup('c'), createdAgoMs: -1 }))
      .toThrow(/createdAgoMs must be a finite number of milliseconds >= 0, got -1/);
  });

  test('advanceClock makes existing trackers older and moves their statuses on; later ones start from the base clock', async () => {
    const clock = manualClock();
    const start = clock.now();
    const emulator = await startEmulator({ clock: clock.now });
    const client = personalize(emulator);
    const groupArn = emulator.createDatasetGroup('shop');
    const { eventTrackerArn: ours } = await createTracker(client, 'ours', groupArn);
    const doomed = emulator.createForeignTracker({ name: 'doomed', datasetGroupArn: emulator.createDatasetGroup('doomed'), createdAgoMs: 0 });
    await client.send(new DeleteEventTrackerCommand({ eventTrackerArn: doomed.arn }));
    const foreign = emulator.createForeignTracker({ name: 'theirs', datasetGroupArn: emulator.createDatasetGroup('theirs') });
    expect(await statusOf(client, ours!)).toBe('CREATE PENDING');

    emulator.advanceClock(3 * HOUR);

    const { eventTracker } = await client.send(new DescribeEventTrackerCommand({ eventTrackerArn: ours }));
    expect(eventTracker).toMatchObject({
      status: 'ACTIVE', creationDateTime: new Date(start - 3 * HOUR), lastUpdatedDateTime: new Date(start - 3 * HOUR + 70),
    });
    expect((await rejection(client.send(new DescribeEventTrackerCommand({ eventTrackerArn: doomed.arn })))).name).toBe('ResourceNotFoundException');
    const group = await client.send(new DescribeDatasetGroupCommand({ datasetGroupArn: groupArn }));
    expect(group.datasetGroup?.creationDateTime).toEqual(new Date(start - 3 * HOUR));
    // Recorded times are on the emulator clock, which advancing never rewrites.
    expect(emulator.statusHistory(ours!).map(change => change.at)).toEqual([start, start + 20, start + 70]);
    expect(emulator.tracker(foreign.arn)).toEqual(foreign);
    expect(emulator.now()).toBe(start + 3 * HOUR);
    expect([emulator.toEmulatorTime(start - 1), emulator.toEmulatorTime(start)]).toEqual([start - 1, start + 3 * HOUR]);

    clock.advance(1_000);
    const { eventTrackerArn: later } = await createTracker(client, 'later', emulator.createDatasetGroup('later'));
    const laterTracker = await client.send(new DescribeEventTrackerCommand({ eventTrackerArn: later }));
    expect(laterTracker.eventTracker).toMatchObject({ status: 'CREATE PENDING', creationDateTime: new Date(start + 1_000) });
    expect(emulator.calls('CreateEventTracker').map(call => call.at)).toEqual([start, start + 3 * HOUR + 1_000]);
    expect(() => emulator.advanceClock(-1)).toThrow(/advanceClock\(ms\) must be/);
  });
});

describe('read-after-write lag', () => {
  test('hides a new tracker from Describe, ListTagsForResource and ListEventTrackers for the lag, while creation rules see it', async () => {
    const clock = manualClock();
    const emulator = await startEmulator({ clock: clock.now, readAfterWriteLagMs: 100 });
    const client = personalize(emulator, { maxAttempts: 1 });
    const groupArn = emulator.createDatasetGroup('shop');
    const { eventTrackerArn } = await client.send(new CreateEventTrackerCommand({ name: 'clicks', datasetGroupArn: groupArn, tags: [{ tagKey: 'team', tagValue: 'recs' }] }));

    clock.advance(99);
    expect((await rejection(client.send(new DescribeEventTrackerCommand({ eventTrackerArn })))).name).toBe('ResourceNotFoundException');
    expect((await rejection(client.send(new ListTagsForResourceCommand({ resourceArn: eventTrackerArn })))).name).toBe('ResourceNotFoundException');
    expect((await client.send(new ListEventTrackersCommand({}))).eventTrackers).toEqual([]);
    expect((await client.send(new ListEventTrackersCommand({ datasetGroupArn: groupArn }))).eventTrackers).toEqual([]);
    const again = await rejection(createTracker(client, 'clicks', emulator.createDatasetGroup('other')));
    expect([again.name, again.message]).toEqual(['ResourceAlreadyExistsException', expect.stringContaining(eventTrackerArn!)]);
    await client.send(new TagResourceCommand({ resourceArn: eventTrackerArn, tags: [{ tagKey: 'env', tagValue: 'dev' }] }));

    clock.advance(1);
    expect(await statusOf(client, eventTrackerArn!)).toBe('ACTIVE');
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: eventTrackerArn }))).tags).toHaveLength(2);
    expect((await client.send(new ListEventTrackersCommand({}))).eventTrackers?.map(t => t.eventTrackerArn)).toEqual([eventTrackerArn]);
    expect(emulator.trackers().map(t => t.arn)).toEqual([eventTrackerArn]);
  });

  test('may last longer for ListEventTrackers filtered by dataset group than for the unfiltered listing', async () => {
    const clock = manualClock();
    const emulator = await startEmulator({ clock: clock.now, readAfterWriteLagMs: 10, datasetGroupListingLagMs: 40 });
    const client = personalize(emulator, { maxAttempts: 1 });
    const groupArn = emulator.createDatasetGroup('shop');
    const { eventTrackerArn } = await createTracker(client, 'clicks', groupArn);

    clock.advance(10);
    expect((await client.send(new ListEventTrackersCommand({}))).eventTrackers?.map(t => t.eventTrackerArn)).toEqual([eventTrackerArn]);
    expect((await client.send(new ListEventTrackersCommand({ datasetGroupArn: groupArn }))).eventTrackers).toEqual([]);
    clock.advance(40);
    const listed = await client.send(new ListEventTrackersCommand({ datasetGroupArn: groupArn }));
    expect(listed.eventTrackers?.map(t => t.eventTrackerArn)).toEqual([eventTrackerArn]);
  });

  test('is off by default, spares foreign trackers, and a change applies to trackers created from then on', async () => {
    const clock = manualClock();
    const emulator = await startEmulator({ clock: clock.now });
    const client = personalize(emulator, { maxAttempts: 1 });
    const { eventTrackerArn: first } = await createTracker(client, 'first', emulator.createDatasetGroup('first'));
    expect(await statusOf(client, first!)).toBe('CREATE PENDING');

    emulator.setReadAfterWriteLag(50);
    const { eventTrackerArn: second } = await createTracker(client, 'second', emulator.createDatasetGroup('second'));
    const foreign = emulator.createForeignTracker({ name: 'theirs', datasetGroupArn: emulator.createDatasetGroup('theirs'), createdAgoMs: 0 });
    emulator.setReadAfterWriteLag(0);
    expect((await rejection(client.send(new DescribeEventTrackerCommand({ eventTrackerArn: second })))).name).toBe('ResourceNotFoundException');
    expect(await statusOf(client, foreign.arn)).toBe('ACTIVE');
    clock.advance(50);
    expect(await statusOf(client, second!)).toBe('CREATE IN_PROGRESS');
    expect(() => emulator.setReadAfterWriteLag(-5)).toThrow(/readAfterWriteLagMs must be/);
  });
});

describe('fault injection', () => {
  /** Calls DescribeEventTracker `count` times against a fresh emulator, optionally interleaving other traffic. */
  async function describeOutcomes(seed: number, options: { count?: number; otherTraffic?: boolean } = {}): Promise<string[]> {
    const emulator = await startEmulator({ seed, faults: { throttleRate: 0.2, serverErrorRate: { DescribeEventTracker: 0.2 } } });
    const client = personalize(emulator, { maxAttempts: 1 });
    const tracker = emulator.createForeignTracker({ name: 'theirs', datasetGroupArn: emulator.createDatasetGroup('shop') });
    const outcomes: string[] = [];
    for (let i = 0; i < (options.count ?? 40); i++) {
      if (options.otherTraffic) await client.send(new ListEventTrackersCommand({})).catch(() => undefined);
      try {
        await client.send(new DescribeEventTrackerCommand({ eventTrackerArn: tracker.arn }));
        outcomes.push('ok');
      } catch (error) {
        const { name, $metadata, $fault } = error as SdkError;
        outcomes.push(`${name}/${$metadata.httpStatusCode}/${$fault}`);
      }
    }
    expect(emulator.calls('DescribeEventTracker').map(call => call.outcome)).toEqual(outcomes.map(outcome => outcome.split('/')[0]));
    return outcomes;
  }

  test('throttling and 5xx faults are reproducible for a seed', async () => {
    const first = await describeOutcomes(7);
    const again = await describeOutcomes(7, { otherTraffic: true });
    const otherSeed = await describeOutcomes(8);

    expect(again).toEqual(first);
    expect(otherSeed).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set([
      'ok', 'LimitExceededException/400/client', 'InternalServerError/500/server', 'ServiceUnavailable/503/server',
    ]));
  });

  test('fails the next N calls of an operation in a burst, then recovers; the SDK retries through a short burst', async () => {
    const emulator = await startEmulator({ faults: { bursts: [{ operation: 'CreateEventTracker', count: 3 }] } });
    const noRetry = personalize(emulator, { maxAttempts: 1 });
    const groupArn = emulator.createDatasetGroup('shop');
    for (let i = 0; i < 3; i++) {
      const error = await rejection(createTracker(noRetry, 'clicks', groupArn));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['ServiceUnavailable', 503]);
    }
    await createTracker(noRetry, 'clicks', groupArn);
    expect(emulator.calls('CreateEventTracker').map(call => [call.outcome, call.injected]))
      .toEqual([['ServiceUnavailable', true], ['ServiceUnavailable', true], ['ServiceUnavailable', true], ['ok', false]]);

    emulator.setFaults({ bursts: [{ operation: 'ListEventTrackers', count: 2, error: 'LimitExceededException' }] });
    const listed = await personalize(emulator, { maxAttempts: 3 }).send(new ListEventTrackersCommand({}));
    expect(listed.eventTrackers).toHaveLength(1);
    expect(emulator.calls('ListEventTrackers').map(call => call.outcome)).toEqual(['LimitExceededException', 'LimitExceededException', 'ok']);
  });

  test('rejects the retry of a create whose response was lost (afterApply burst) with the existing tracker ARN', async () => {
    const emulator = await startEmulator({ faults: { bursts: [{ operation: 'CreateEventTracker', count: 1, error: 'InternalServerError', afterApply: true }] } });
    const client = personalize(emulator, { maxAttempts: 1 });
    const groupArn = emulator.createDatasetGroup('shop');
    expect((await rejection(createTracker(client, 'clicks', groupArn))).name).toBe('InternalServerError');
    const [created] = emulator.trackers();
    const retry = await rejection(createTracker(client, 'clicks', groupArn));
    expect(retry.name).toBe('ResourceAlreadyExistsException');
    expect(retry.message).toContain(created.arn);
  });

  test('faults and latency can be changed while the server runs', async () => {
    const emulator = await startEmulator({ faults: { throttleRate: 1 } });
    const client = personalize(emulator, { maxAttempts: 1 });
    expect((await rejection(client.send(new ListEventTrackersCommand({})))).name).toBe('LimitExceededException');

    emulator.setFaults({ latencyMs: { ListEventTrackers: 60 } });
    const started_ = Date.now();
    await client.send(new ListEventTrackersCommand({}));
    expect(Date.now() - started_).toBeGreaterThanOrEqual(55);
    expect(emulator.callCount('ListEventTrackers')).toBe(2);
    expect(() => emulator.setFaults({ throttleRate: 1.5 })).toThrow(/within \[0, 1\]/);
  });
});

describe('holding a call', () => {
  test('holds the nth matching call until released, while other calls go on', async () => {
    const emulator = await startEmulator();
    const client = personalize(emulator, { maxAttempts: 1 });
    const groups = [emulator.createDatasetGroup('shop'), emulator.createDatasetGroup('books')];
    const held = emulator.holdCall('CreateEventTracker', (input) => input.name === 'clicks', 2);

    await createTracker(client, 'views', groups[0]).catch(() => undefined);
    const first = await rejection(createTracker(client, 'clicks', groups[0]));
    const second = createTracker(client, 'clicks', groups[1]);
    await held.reached;
    await client.send(new ListEventTrackersCommand({}));
    const callsWhileHeld = emulator.calls().map((call) => `${call.operation}:${call.outcome}`);
    held.release();

    expect(first.name).toBe('ResourceAlreadyExistsException');
    expect(callsWhileHeld).toEqual(['CreateEventTracker:ok', 'CreateEventTracker:ResourceAlreadyExistsException', 'ListEventTrackers:ok']);
    expect((await second).eventTrackerArn).toBe(emulator.trackers().find((tracker) => tracker.name === 'clicks')?.arn);
    expect(emulator.callCount('CreateEventTracker')).toBe(3);
  });
});

describe('PutEvents', () => {
  test('accepts the trackingId of an ACTIVE tracker and records the events', async () => {
    const emulator = await startEmulator({ timings: { trackerCreatePendingMs: 0, trackerCreateInProgressMs: 0 } });
    const { eventTrackerArn, trackingId } = await createTracker(personalize(emulator), 'clicks', emulator.createDatasetGroup('shop'));
    const sentAt = new Date('2024-05-01T12:00:00.500Z');

    await personalizeEvents(emulator).send(new PutEventsCommand({
      trackingId,
      userId: 'u1',
      sessionId: 's1',
      eventList: [{ eventType: 'click', sentAt, itemId: 'item-1', properties: '{"price":3}' }, { eventType: 'view', sentAt }],
    }));

    const received = emulator.receivedEvents(eventTrackerArn);
    expect(received.map(e => [e.trackingId, e.userId, e.sessionId, e.event.eventType])).toEqual([
      [trackingId, 'u1', 's1', 'click'], [trackingId, 'u1', 's1', 'view'],
    ]);
    expect(received[0].event).toMatchObject({ sentAt: sentAt.getTime() / 1000, itemId: 'item-1', properties: '{"price":3}' });
  });

  test('rejects an unknown trackingId, a tracker that is not ACTIVE, and an eventList outside 1-10', async () => {
    const emulator = await startEmulator({ timings: { trackerCreatePendingMs: 10_000 } });
    const { trackingId } = await createTracker(personalize(emulator), 'clicks', emulator.createDatasetGroup('shop'));
    const events = personalizeEvents(emulator);
    const event = { eventType: 'click', sentAt: new Date() };

    const unknown = await rejection(events.send(new PutEventsCommand({ trackingId: 'no-such-id', sessionId: 's1', eventList: [event] })));
    expect([unknown.name, unknown.$metadata.httpStatusCode]).toEqual(['InvalidInputException', 400]);
    expect(unknown.message).toContain('no-such-id');

    const pending = await rejection(events.send(new PutEventsCommand({ trackingId, sessionId: 's1', eventList: [event] })));
    expect(pending.name).toBe('InvalidInputException');
    expect(pending.message).toContain(trackingId);

    for (const eventList of [[], Array.from({ length: 11 }, () => event)]) {
      const error = await rejection(events.send(new PutEventsCommand({ trackingId, sessionId: 's1', eventList })));
      expect(error.name).toBe('InvalidInputException');
      expect(error.message).toContain('eventList');
    }
    expect(emulator.receivedEvents()).toEqual([]);
    expect(emulator.callCount('PutEvents')).toBe(4);
  });
});
