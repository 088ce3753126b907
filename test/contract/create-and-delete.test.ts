import { CreateEventTrackerCommand, DeleteDatasetGroupCommand, DescribeEventTrackerCommand } from '@aws-sdk/client-personalize';
import { failureReasons, Scenario, tags } from './harness';
import { proofValue } from '../../lambda/event-tracker/proof';
import { OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';
import { frameworkNamesWaiterExecutions } from '../driver';
import { preciseNow } from '../helpers/precise-clock';

let scenario: Scenario;
beforeEach(async () => {
  scenario = await Scenario.start();
});
afterEach(async () => {
  await scenario.finish();
});

describe('create', () => {
  test('reaches ACTIVE and returns the attributes Personalize reports', async () => {
    const stack = scenario.newStack();
    const result = await stack.create(scenario.props({ Tags: tags({ team: 'recs' }) }));

    expect(result.status).toBe('CREATE_COMPLETE');
    const [tracker] = scenario.liveTrackers();
    expect(tracker.status).toBe('ACTIVE');
    expect(stack.physicalResourceId).toBe(tracker.arn);
    expect(stack.attributes).toEqual({ TrackingId: tracker.trackingId, EventTrackerArn: tracker.arn, EventTrackerName: 'shop-clicks' });
    scenario.expectRemaining(tracker.arn);
  });

  test('read after create matches the properties', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props({ EventTrackerName: 'views', Tags: tags({ team: 'recs', env: 'prod' }) }));

    const { eventTracker } = await scenario.client.send(new DescribeEventTrackerCommand({ eventTrackerArn: stack.physicalResourceId }));
    expect(eventTracker).toMatchObject({ name: 'views', datasetGroupArn: scenario.groupArn, status: 'ACTIVE', trackingId: stack.getAtt('TrackingId') });
    expect(scenario.emulator.tracker(stack.physicalResourceId!)?.tags).toEqual({
      'team': 'recs',
      'env': 'prod',
      // The ownership proof: the stack's name and a hash of its id and the logical id; no flags; the origin
      // (a hash of the properties of the request that made it).
      'cdk-personalize-event-tracker:owner': expect.stringMatching(/^Scenario0\/[0-9a-f]{40}\/\/[0-9a-f]{8}$/),
    });
    scenario.expectRemaining(stack.physicalResourceId);
  });

  test('delivered again after it was answered leaves one tracker: onEvent answers the same and changes nothing', async () => {
    const stack = scenario.newStack();
    const request = stack.buildRequest('Create', { properties: scenario.props(), requestId: 'same-request' });

    // CloudFormation has not yet taken in the first answer when the second delivery arrives: the resource is still CREATE_IN_PROGRESS.
    const creating = { stackStatus: 'CREATE_IN_PROGRESS', resourceStatus: 'CREATE_IN_PROGRESS' } as const;
    const first = await stack.send(request, creating);
    const second = await stack.send(request, creating);

    expect(first.response.Status).toBe('SUCCESS');
    const onEvents = [...first.invocations, ...second.invocations].filter((invocation) => invocation.handler === 'onEvent');
    expect(onEvents.map((invocation) => invocation.result)).toEqual([{}, {}]);
    // The waiter named after the RequestId has closed: the second is refused. Without names (aws-cdk-lib
    // after 2.224.0) it runs a waiter of its own, which adopts the tracker the first one made.
    if (frameworkNamesWaiterExecutions()) {
      expect(second.response.Reason).toMatch(/^ExecutionAlreadyExists/);
      expect(scenario.emulator.callCount('CreateEventTracker')).toBe(1);
    } else {
      expect([second.response.Status, second.response.PhysicalResourceId]).toEqual(['SUCCESS', first.response.PhysicalResourceId]);
    }
    expect(scenario.liveTrackers().map((tracker) => tracker.arn)).toEqual([first.response.PhysicalResourceId]);
    scenario.expectRemaining(first.response.PhysicalResourceId);
  });

  test('whose CreateEventTracker answer was lost carries on with the tracker it made', async () => {
    scenario.setFaults({ bursts: [{ operation: 'CreateEventTracker', count: 1, afterApply: true }] });
    const stack = scenario.newStack();

    const result = await stack.create(scenario.props());

    expect(result.status).toBe('CREATE_COMPLETE');
    // The SDK's retry is refused as existing; the handler adopts the tracker the lost call made (each of
    // its polls tries the create first, and is refused again, until the tracker is ACTIVE).
    const [lost, ...refused] = scenario.emulator.calls('CreateEventTracker').map((call) => call.outcome);
    expect(lost).toBe('ServiceUnavailable');
    expect(new Set(refused)).toEqual(new Set(['ResourceAlreadyExistsException']));
    expect(scenario.liveTrackers()).toHaveLength(1);
    expect(stack.getAtt('TrackingId')).toBe(scenario.liveTrackers()[0].trackingId);
    scenario.expectRemaining(stack.physicalResourceId);
  });

  test('fails on a dataset group that holds a foreign tracker, naming it, and leaves it untouched', async () => {
    const foreign = scenario.foreignTracker('legacy-clicks', scenario.groupArn);
    const stack = scenario.newStack();

    const result = await stack.create(scenario.props());

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(failureReasons(stack)[0]).toContain(`Dataset group ${scenario.groupArn} already has event tracker 'legacy-clicks' (${foreign.arn})`);
    expect(failureReasons(stack)[0]).toContain(`EventTracker.fromEventTrackerArn(this, 'Tracker', '${foreign.arn}')`);
    expect(scenario.emulator.callCount('DeleteEventTracker')).toBe(0);
    scenario.expectRemaining();
  });

  test('fails when the name is taken in another dataset group, naming that tracker', async () => {
    const otherGroup = scenario.emulator.createDatasetGroup('other');
    const foreign = scenario.foreignTracker('shop-clicks', otherGroup);
    const stack = scenario.newStack();

    await stack.create(scenario.props());

    expect(failureReasons(stack)[0]).toContain(`The event tracker name 'shop-clicks' is already used by ${foreign.arn} in dataset group ${otherGroup}`);
    scenario.expectRemaining();
  });

  test.each([
    ['three hours', 3 * 60 * 60 * 1000],
    ['five seconds', 5_000],
  ])('fails on a same-named tracker it did not create %s ago instead of adopting it', async (_, age) => {
    const clock = { now: Date.now() - age };
    await scenario.emulator.stop();
    scenario = await Scenario.start({ clock: () => clock.now });
    const namesake = scenario.foreignTracker('shop-clicks', scenario.groupArn);
    clock.now = Date.now();
    const stack = scenario.newStack();

    const result = await stack.create(scenario.props());
    await stack.delete();

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(failureReasons(stack)[0]).toContain(`already has event tracker 'shop-clicks' (${namesake.arn})`);
    expect(failureReasons(stack)[0]).toContain('does not carry this resource\'s ownership tag');
    expect(scenario.emulator.callCount('DeleteEventTracker')).toBe(0);
    scenario.expectRemaining();
  });

  test('fails with the state when the tracker ends in CREATE FAILED, and the rollback deletes it', async () => {
    scenario.emulator.injectCreateFailure('shop-clicks');
    const stack = scenario.newStack();

    const result = await stack.create(scenario.props());

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(failureReasons(stack)[0]).toMatch(/^Event tracker 'shop-clicks' \(arn:aws:personalize:us-east-1:123456789012:event-tracker\/[0-9a-f]{8}\) for dataset group .*dataset-group\/shop reached status CREATE FAILED instead of ACTIVE/);
    expect(stack.requests.map((request) => request.RequestType)).toEqual(['Create', 'Delete']);
    expect(scenario.emulator.trackers({ includeDeleted: true })[0].status).toBe('DELETED');
    scenario.expectRemaining();
  });

  test('waits for a dataset group that is not ACTIVE yet', async () => {
    const group = scenario.emulator.createDatasetGroup('new-group', { activeAfterMs: 300 });
    const stack = scenario.newStack();

    const result = await stack.create(scenario.props({ DatasetGroupArn: group }));

    expect(result.status).toBe('CREATE_COMPLETE');
    expect(scenario.emulator.calls('CreateEventTracker').map((call) => call.outcome)).toContain('ResourceInUseException');
    scenario.expectRemaining(stack.physicalResourceId);
  });

  test('fails at deploy time on properties the construct would reject, without calling Personalize', async () => {
    const stack = scenario.newStack();

    await stack.create(scenario.props({ EventTrackerName: 'bad name', Tags: tags({ 'aws:reserved': 'x' }) }));

    expect(failureReasons(stack)[0]).toMatch(/^Invalid event tracker properties: eventTrackerName 'bad name' does not match .* Tag key 'aws:reserved' starts with 'aws:'/);
    expect(scenario.emulator.callCount()).toBe(0);
    scenario.expectRemaining();
  });

  test('answers within the 4096-byte limit with 63-character names, 49 long tags, and the longest error', async () => {
    const longName = `n${'x'.repeat(62)}`;
    const longTags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`${String(i).padStart(3, '0')}${'k'.repeat(125)}`, 'v'.repeat(256)]));
    const stack = scenario.newStack({ logicalResourceId: 'L'.repeat(255) });
    await stack.create(scenario.props({ EventTrackerName: longName, Tags: tags(longTags) }));
    expect(stack.status).toBe('CREATE_COMPLETE');

    const longGroup = scenario.emulator.createDatasetGroup(`g${'r'.repeat(62)}`);
    const foreignNamesake = `f${'y'.repeat(62)}`;
    scenario.foreignTracker(foreignNamesake, longGroup);
    const failing = scenario.newStack({ logicalResourceId: 'F'.repeat(255) });
    await failing.create(scenario.props({ EventTrackerName: `z${'q'.repeat(62)}`, DatasetGroupArn: longGroup }));
    expect(failing.status).toBe('ROLLBACK_COMPLETE');

    const sizes = [...stack.responses, ...failing.responses].map((response) => response.bytes);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
    scenario.expectRemaining(stack.physicalResourceId);
  });

  test('writes one structured line per step and never the ResponseURL', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props());

    const lines = stack.logs.map((line) => JSON.parse(line.text));
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      expect(line).toEqual(expect.objectContaining({ requestType: 'Create', step: expect.any(String) }));
    }
    expect(lines.map((line) => line.step)).toEqual(expect.arrayContaining(['received', 'look', 'change', 'done']));
    expect(JSON.parse(lines.find((line) => line.step === 'change').detail)).toMatchObject({ change: { kind: 'create', name: 'shop-clicks' }, why: 'create the tracker' });
    expect(JSON.stringify(lines)).not.toContain('X-Amz-Signature');
    scenario.expectRemaining(stack.physicalResourceId);
  });
});

describe('delete', () => {
  test('deletes the tracker and waits until Personalize no longer knows it', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props());
    const arn = stack.physicalResourceId!;

    const result = await stack.delete();

    expect(result.status).toBe('DELETE_COMPLETE');
    await expect(scenario.client.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn }))).rejects.toThrow(expect.objectContaining({ name: 'ResourceNotFoundException' }));
  });

  test('then deleting the dataset group succeeds, because the delete waited', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props());
    await stack.delete();

    await expect(scenario.client.send(new DeleteDatasetGroupCommand({ datasetGroupArn: scenario.groupArn }))).resolves.toBeDefined();
  });

  test('twice succeeds', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props());
    const arn = stack.physicalResourceId!;
    await stack.delete();

    const again = await stack.send(stack.buildRequest('Delete', { properties: scenario.props(), physicalResourceId: arn }));

    expect(again.response.Status).toBe('SUCCESS');
  });

  test('of a tracker deleted outside the stack succeeds', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props());
    scenario.emulator.deleteTrackerBehindTheStacksBack(stack.physicalResourceId!);

    expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
  });

  test('while the tracker is still being created waits, then deletes it', async () => {
    await scenario.emulator.stop();
    // In AWS time: 30 s in progress, so the Delete meets the tracker still being created.
    scenario = await Scenario.start({ timings: { trackerCreateInProgressMs: 300 } });
    const stack = scenario.newStack();
    const proof = { tagKey: OWNERSHIP_TAG_KEY, tagValue: proofValue({ stackId: stack.stackId, logicalResourceId: stack.logicalResourceId }) };
    const { eventTrackerArn } = await scenario.client.send(new CreateEventTrackerCommand({ name: 'shop-clicks', datasetGroupArn: scenario.groupArn, tags: [proof] }));

    const result = await stack.send(stack.buildRequest('Delete', { properties: scenario.props(), physicalResourceId: eventTrackerArn! }), { stackStatus: 'DELETE_IN_PROGRESS' });

    expect(result.response.Status).toBe('SUCCESS');
    const history = scenario.emulator.statusHistory(eventTrackerArn!).map((change) => change.status);
    expect(history).toEqual(['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE', 'DELETE PENDING', 'DELETE IN_PROGRESS', 'DELETED']);
  });

  test('after a create that timed out cleans up in the rollback', async () => {
    await scenario.emulator.stop();
    // The tracker stays in creation while the Provider's 20 min total timeout passes (12 s here): the
    // Provider counts polls, not time, so Personalize's clock stands still until the rollback's
    // DeleteEventTracker, which then waits for the creation (30 s in AWS time).
    const clock = { frozenAt: undefined as number | undefined };
    scenario = await Scenario.start({ timings: { trackerCreateInProgressMs: 300 }, clock: () => clock.frozenAt ?? preciseNow() });
    clock.frozenAt = preciseNow();
    const stack = scenario.newStack();
    stack.interceptDeliveries(async (request, _index, send) => {
      if (request.RequestType === 'Delete') clock.frozenAt = undefined;
      return send(request);
    });

    const result = await stack.create(scenario.props());

    expect(failureReasons(stack)[0]).toMatch(/^Operation timed out/);
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(stack.requests.map((request) => request.RequestType)).toEqual(['Create', 'Delete']);
  });

  test('of a physical id that is no event tracker ARN succeeds, and only looks for a tracker of its own', async () => {
    const foreign = scenario.foreignTracker('shop-clicks', scenario.groupArn);
    const stack = scenario.newStack();

    const result = await stack.send(stack.buildRequest('Delete', { properties: scenario.props(), physicalResourceId: 'TrackerResource-a1b2c3' }), { stackStatus: 'ROLLBACK_IN_PROGRESS' });

    expect(result.response.Status).toBe('SUCCESS');
    expect(scenario.emulator.calls().map((call) => call.operation)).toEqual(['ListEventTrackers', 'DescribeEventTracker', 'ListTagsForResource']);
    expect(scenario.emulator.tracker(foreign.arn)?.status).toBe('ACTIVE');
  });

  test('of a made-up physical id (the Create\'s answer never reached CloudFormation) deletes the tracker of its own', async () => {
    const stack = scenario.newStack();
    const created = await stack.send(stack.buildRequest('Create', { properties: scenario.props() }), { stackStatus: 'CREATE_IN_PROGRESS', resourceStatus: 'CREATE_IN_PROGRESS' });
    expect(created.response.Status).toBe('SUCCESS');

    const result = await stack.send(stack.buildRequest('Delete', { properties: scenario.props(), physicalResourceId: 'TrackerResource-a1b2c3' }), { stackStatus: 'ROLLBACK_IN_PROGRESS' });

    expect(result.response.Status).toBe('SUCCESS');
    expect(scenario.emulator.tracker(created.response.PhysicalResourceId)?.status).toMatch(/^DELETE|DELETED/);
    await scenario.untilDeletionsFinish();
    scenario.expectRemaining();
  });

  test('with properties written by an older version (keys missing) still succeeds', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props({ Tags: tags({ team: 'recs' }) }));

    const result = await stack.send(stack.buildRequest('Delete', { properties: { EventTrackerName: 'shop-clicks' }, physicalResourceId: stack.physicalResourceId }),
      { stackStatus: 'DELETE_IN_PROGRESS' });

    expect(result.response.Status).toBe('SUCCESS');
  });
});
