import { Scenario, failureReasons, holder, tags, userTags } from './harness';

// Personalize's tracker ARNs may end in an id or in the name: the handler must be right for both.
describe.each(['id', 'name'] as const)('with %s-style tracker ARNs', (trackerArnStyle) => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await Scenario.start({ trackerArnStyle });
  });
  afterEach(async () => {
    await scenario.finish();
  });

  test('a tags update happens in place: same physical id, same trackingId', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props({ Tags: tags({ team: 'recs', env: 'dev', cost: '1' }) }));
    const before = { id: stack.physicalResourceId, trackingId: stack.getAtt('TrackingId') };

    const result = await stack.update(scenario.props({ Tags: tags({ team: 'recs', env: 'prod', owner: 'ana' }) }));

    expect(result.status).toBe('UPDATE_COMPLETE');
    expect({ id: stack.physicalResourceId, trackingId: stack.getAtt('TrackingId') }).toEqual(before);
    expect(userTags(scenario.emulator.tracker(before.id!))).toEqual({ team: 'recs', env: 'prod', owner: 'ana' });
    expect(scenario.emulator.tracker(before.id!)?.tags).toHaveProperty(['cdk-personalize-event-tracker:owner']);
    expect(scenario.emulator.callCount('CreateEventTracker')).toBe(1);
    expect(scenario.emulator.calls('UntagResource').map((call) => call.input)).toEqual([{ resourceArn: before.id, tagKeys: ['cost'] }]);
    scenario.expectRemaining(before.id);
  });

  test('a tags update after the tracker was deleted outside the stack creates it again', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props());
    const oldTrackingId = stack.getAtt('TrackingId');
    scenario.emulator.deleteTrackerBehindTheStacksBack(stack.physicalResourceId!);

    const result = await stack.update(scenario.props({ Tags: tags({ team: 'recs' }) }));

    expect(result.status).toBe('UPDATE_COMPLETE');
    const [tracker] = scenario.liveTrackers();
    expect(tracker).toMatchObject({ name: 'shop-clicks', status: 'ACTIVE', tags: { team: 'recs' } });
    expect(stack.physicalResourceId).toBe(tracker.arn);
    expect(stack.getAtt('TrackingId')).not.toBe(oldTrackingId);
    expect(stack.logs.map((line) => line.text).join('\n')).toMatch(/"level":"warn".*no longer exists.*Creating it again/);
    scenario.expectRemaining(tracker.arn);
  });

  test('a rename in the same dataset group leaves exactly one tracker, and the old id\'s Delete succeeds', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props());
    const old = { id: stack.physicalResourceId, trackingId: stack.getAtt('TrackingId') };

    const result = await stack.update(scenario.props({ EventTrackerName: 'shop-views' }));

    expect(result.status).toBe('UPDATE_COMPLETE');
    const [tracker] = scenario.liveTrackers();
    expect(scenario.liveTrackers()).toHaveLength(1);
    expect(tracker).toMatchObject({ name: 'shop-views', datasetGroupArn: scenario.groupArn, status: 'ACTIVE' });
    expect(stack.physicalResourceId).toBe(tracker.arn);
    expect(stack.getAtt('TrackingId')).not.toBe(old.trackingId);
    expect(result.requests.map((request) => request.RequestType)).toEqual(['Update', 'Delete']);
    expect(result.responses.map((response) => response.response.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(result.requests[1]).toMatchObject({ PhysicalResourceId: old.id });
    scenario.expectRemaining(tracker.arn);
  });

  test('a move to another dataset group creates the tracker there and removes the old one', async () => {
    const otherGroup = scenario.emulator.createDatasetGroup('other');
    const stack = scenario.newStack();
    await stack.create(scenario.props());

    const result = await stack.update(scenario.props({ DatasetGroupArn: otherGroup }));

    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(scenario.liveTrackers()).toEqual([expect.objectContaining({ name: 'shop-clicks', datasetGroupArn: otherGroup, status: 'ACTIVE' })]);
    expect(stack.physicalResourceId).toBe(scenario.liveTrackers()[0].arn);
    scenario.expectRemaining(stack.physicalResourceId);
  });

  test('a move to a dataset group held by a foreign tracker fails before the old tracker is touched', async () => {
    const otherGroup = scenario.emulator.createDatasetGroup('other');
    const foreign = scenario.foreignTracker('legacy', otherGroup);
    const stack = scenario.newStack();
    await stack.create(scenario.props());
    const before = { id: stack.physicalResourceId, trackingId: stack.getAtt('TrackingId') };

    const result = await stack.update(scenario.props({ DatasetGroupArn: otherGroup }));

    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(failureReasons(stack)[0]).toContain(`Dataset group ${otherGroup} already has event tracker 'legacy' (${foreign.arn})`);
    expect({ id: stack.physicalResourceId, trackingId: stack.getAtt('TrackingId') }).toEqual(before);
    expect(scenario.emulator.callCount('DeleteEventTracker')).toBe(0);
    scenario.expectRemaining(before.id);
  });

  test('a failed update (the new tracker ends CREATE FAILED) rolls back to one ACTIVE tracker with the old properties', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props());
    const original = stack.physicalResourceId;
    scenario.emulator.injectCreateFailure('shop-views');

    const result = await stack.update(scenario.props({ EventTrackerName: 'shop-views' }));

    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(failureReasons(stack)[0]).toContain('reached status CREATE FAILED');
    expect(result.requests.slice(0, 2).map((request) => request.RequestType)).toEqual(['Update', 'Update']);
    // The rollback re-created the old tracker; with id-style ARNs that is a new physical id, so
    // CloudFormation deletes the one it replaced (already gone), and that Delete succeeds.
    const cleanup = result.requests.slice(2);
    expect(cleanup.map((request) => [request.RequestType, 'PhysicalResourceId' in request ? request.PhysicalResourceId : undefined])).toEqual(
      stack.physicalResourceId === original ? [] : [['Delete', original]],
    );
    expect(result.responses.slice(1).every((response) => response.response.Status === 'SUCCESS')).toBe(true);
    expect(scenario.liveTrackers()).toEqual([expect.objectContaining({ name: 'shop-clicks', status: 'ACTIVE' })]);
    expect(stack.physicalResourceId).toBe(scenario.liveTrackers()[0].arn);
    expect(stack.getAtt('EventTrackerName')).toBe('shop-clicks');
    scenario.expectRemaining(stack.physicalResourceId);
  });

  test('a stack failure after a rename rolls back to the old name, leaving one tracker', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props());

    const result = await stack.update(scenario.props({ EventTrackerName: 'shop-views' }), { failStackAfter: true });

    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(result.responses.every((response) => response.response.Status === 'SUCCESS')).toBe(true);
    expect(scenario.liveTrackers()).toEqual([expect.objectContaining({ name: 'shop-clicks', status: 'ACTIVE' })]);
    expect(stack.physicalResourceId).toBe(scenario.liveTrackers()[0].arn);
    scenario.expectRemaining(stack.physicalResourceId);
  });

  test('with removal policy RETAIN, a rename in the same dataset group fails and keeps the old tracker', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props({ RemovalPolicy: 'Retain' }));
    const before = stack.physicalResourceId;

    await stack.update(scenario.props({ EventTrackerName: 'shop-views', RemovalPolicy: 'Retain' }));

    expect(failureReasons(stack)[0]).toContain('it is kept (removal policy RETAIN, or taken over and no removalPolicy DESTROY chosen), so this stack does not delete it');
    expect(scenario.emulator.callCount('DeleteEventTracker')).toBe(0);
    scenario.expectRemaining(before);
  });

  test('with removal policy RETAIN, a move to another group under a new name keeps the old tracker, released', async () => {
    const otherGroup = scenario.emulator.createDatasetGroup('other');
    const stack = scenario.newStack();
    await stack.create(scenario.props({ RemovalPolicy: 'Retain' }));
    const old = stack.physicalResourceId;

    const result = await stack.update(scenario.props({ EventTrackerName: 'other-clicks', DatasetGroupArn: otherGroup, RemovalPolicy: 'Retain' }));

    expect(result.status).toBe('UPDATE_COMPLETE');
    // The cleanup Delete of the old id reaches the handler, which keeps the tracker and releases it.
    expect(result.requests.map((request) => request.RequestType)).toEqual(['Update', 'Delete']);
    expect(scenario.emulator.tracker(old!)?.status).toBe('ACTIVE');
    expect(holder(scenario.emulator.tracker(old!))).toBe('released');
    expect(holder(scenario.emulator.tracker(stack.physicalResourceId!))).toBe('Scenario0');
    scenario.expectRemaining(old, stack.physicalResourceId);
  });

  test('properties written by an older version (RetainOnReplacement) still keep the old tracker', async () => {
    const otherGroup = scenario.emulator.createDatasetGroup('other');
    const stack = scenario.newStack({ updateReplacePolicy: 'Retain', deletionPolicy: 'Retain' });
    await stack.create(scenario.props({ RetainOnReplacement: 'true' }));
    const old = stack.physicalResourceId;

    const renamedInPlace = await stack.update(scenario.props({ EventTrackerName: 'shop-views', RetainOnReplacement: 'true' }));
    expect(renamedInPlace.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const moved = await stack.update(scenario.props({ EventTrackerName: 'other-clicks', DatasetGroupArn: otherGroup, RetainOnReplacement: 'true' }));

    expect(moved.status).toBe('UPDATE_COMPLETE');
    expect(scenario.emulator.tracker(old!)?.status).toBe('ACTIVE');
    scenario.expectRemaining(old, stack.physicalResourceId);
  });

  test('an update with old properties written by an older version (keys missing) still works', async () => {
    const stack = scenario.newStack();
    await stack.create(scenario.props());
    const id = stack.physicalResourceId;

    const result = await stack.send(stack.buildRequest('Update', {
      properties: scenario.props({ Tags: tags({ team: 'recs' }) }),
      oldProperties: { EventTrackerName: 'shop-clicks' },
      physicalResourceId: id,
    }), { stackStatus: 'UPDATE_IN_PROGRESS' });

    expect(result.response.Status).toBe('SUCCESS');
    expect(result.response.PhysicalResourceId).toBe(id);
    expect(userTags(scenario.emulator.tracker(id!))).toEqual({ team: 'recs' });
    scenario.expectRemaining(id);
  });
});
