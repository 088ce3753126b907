import { failureReasons, Scenario } from './harness';
import { EmulatorOptions } from '../emulator/personalize-emulator';

// Ownership: a tracker is the stack's own only if it is the resource's physical id or carries the stack's
// proof of ownership; names and ages prove nothing. One scenario per class of defect.

const SECONDS_AGO = 5_000;
const HOUR = 60 * 60 * 1000;

describe.each(['id', 'name'] as const)('with %s-style tracker ARNs', (trackerArnStyle) => {
  let scenario: Scenario | undefined;
  const start = async (options: EmulatorOptions = {}) => {
    scenario = await Scenario.start({ trackerArnStyle, ...options });
    return scenario;
  };
  afterEach(async () => {
    await scenario?.finish();
    scenario = undefined;
  });

  const onEvents = (stack: ReturnType<Scenario['newStack']>) => stack.invocations.filter((invocation) => invocation.handler === 'onEvent');
  const identity = (stack: ReturnType<Scenario['newStack']>) => ({ id: stack.physicalResourceId, trackingId: stack.getAtt('TrackingId') });

  describe('1. a foreign tracker with the requested name and dataset group', () => {
    test('created seconds ago is not adopted: the create fails naming it, and destroying the stack leaves it', async () => {
      const s = await start();
      const foreign = s.foreignTracker('shop-clicks', s.groupArn, { createdAgoMs: SECONDS_AGO });
      const stack = s.newStack();

      const result = await stack.create(s.props());
      await stack.delete();

      expect(s.emulator.tracker(foreign.arn)?.status).toBe('ACTIVE');
      expect(result.status).toBe('ROLLBACK_COMPLETE');
      expect(failureReasons(stack)[0]).toContain(foreign.arn);
      expect(s.emulator.calls('DeleteEventTracker')).toEqual([]);
      s.expectRemaining();
    });

    test('made by another stack moments ago (same explicit name, shared dataset group) is not adopted either', async () => {
      const s = await start();
      const owner = s.newStack();
      await owner.create(s.props());
      const theirs = s.emulator.tracker(owner.physicalResourceId!)!;
      const intruder = s.newStack();

      const result = await intruder.create(s.props());
      await intruder.delete();

      expect(s.emulator.tracker(theirs.arn)).toMatchObject({ status: 'ACTIVE', trackingId: theirs.trackingId, version: theirs.version });
      expect(result.status).toBe('ROLLBACK_COMPLETE');
      expect(failureReasons(intruder)[0]).toContain(theirs.arn);
      s.expectRemaining(theirs.arn);
    });
  });

  test('2. with removal policy RETAIN, a stack failure after a move under a new name rolls back to the retained original, even one older than two hours', async () => {
    const s = await start();
    const otherGroup = s.emulator.createDatasetGroup('other');
    const stack = s.newStack({ updateReplacePolicy: 'Retain', deletionPolicy: 'Retain' });
    await stack.create(s.props({ RetainOnReplacement: 'true' }));
    const original = identity(stack);
    s.emulator.advanceClock(3 * HOUR);

    const result = await stack.update(s.props({ EventTrackerName: 'other-clicks', DatasetGroupArn: otherGroup, RetainOnReplacement: 'true' }), { failStackAfter: true });

    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(identity(stack)).toEqual(original);
    expect(s.emulator.tracker(original.id!)).toMatchObject({ name: 'shop-clicks', datasetGroupArn: s.groupArn, status: 'ACTIVE' });
    // UpdateReplacePolicy Retain keeps what the rolled-back update made, as it keeps any replaced resource.
    const moved = result.responses[0].response.PhysicalResourceId;
    expect(s.emulator.tracker(moved)).toMatchObject({ name: 'other-clicks', datasetGroupArn: otherGroup, status: 'ACTIVE' });
    expect(s.emulator.calls('DeleteEventTracker')).toEqual([]);
    s.expectRemaining(original.id, moved);
  });

  describe('3. a move under a new name into a dataset group whose foreign tracker already has that name', () => {
    test('fails before our tracker is touched (foreign tracker created long ago)', async () => {
      const s = await start();
      const otherGroup = s.emulator.createDatasetGroup('other');
      const foreign = s.foreignTracker('other-clicks', otherGroup);
      const stack = s.newStack();
      await stack.create(s.props());
      const before = identity(stack);

      const result = await stack.update(s.props({ EventTrackerName: 'other-clicks', DatasetGroupArn: otherGroup }));

      expect(s.emulator.calls('DeleteEventTracker')).toEqual([]);
      expect(identity(stack)).toEqual(before);
      expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(failureReasons(stack)[0]).toContain(foreign.arn);
      s.expectRemaining(before.id);
    });

    test('fails before our tracker is touched, and does not adopt it (foreign tracker created seconds ago)', async () => {
      const s = await start();
      const otherGroup = s.emulator.createDatasetGroup('other');
      const foreign = s.foreignTracker('other-clicks', otherGroup, { createdAgoMs: SECONDS_AGO });
      const stack = s.newStack();
      await stack.create(s.props());
      const before = identity(stack);

      const result = await stack.update(s.props({ EventTrackerName: 'other-clicks', DatasetGroupArn: otherGroup }));

      expect(identity(stack)).toEqual(before);
      expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(failureReasons(stack)[0]).toContain(foreign.arn);
      expect(s.emulator.calls('DeleteEventTracker')).toEqual([]);
      s.expectRemaining(before.id);
    });
  });

  describe('4. the same request delivered twice, overlapping', () => {
    test('a Create gets the same answer from both deliveries: the second joins the waiter, and no tracker leaks', async () => {
      const s = await start();
      const stack = s.newStack();

      const result = await stack.create(s.props(), { duplicateDeliveryAfterMs: 0 });

      const [first, second] = onEvents(stack);
      expect(second.at).toBeLessThan(first.at + first.durationMs);
      expect(result.status).toBe('CREATE_COMPLETE');
      expect(s.liveTrackers().map((tracker) => tracker.arn)).toEqual([stack.physicalResourceId]);
      expect(second.result).toEqual(first.result);
      s.expectRemaining(stack.physicalResourceId);
    });

    // Found by the model-based test (test/model/): the second delivery's lists lag, one showing the first's
    // tracker and the other not yet, and it must still see that tracker as the one asked for.
    test('a Create delivered twice while the dataset group listing lags adopts the first delivery\'s tracker, never deletes it', async () => {
      const s = await start({ datasetGroupListingLagMs: 1_000 });
      const stack = s.newStack();

      const result = await stack.create(s.props(), { duplicateDeliveryAfterMs: 6 });

      expect(result.status).toBe('CREATE_COMPLETE');
      expect(s.liveTrackers().map((tracker) => tracker.arn)).toEqual([stack.physicalResourceId]);
      expect(s.emulator.callCount('DeleteEventTracker')).toBe(0);
      const [first, second] = onEvents(stack);
      expect(second.result).toEqual(first.result);
      s.expectRemaining(stack.physicalResourceId);
    });

    test('an Update that moves the tracker under a new name completes once, leaving the new tracker only', async () => {
      const s = await start();
      const otherGroup = s.emulator.createDatasetGroup('other');
      const stack = s.newStack();
      await stack.create(s.props());

      const result = await stack.update(s.props({ EventTrackerName: 'other-clicks', DatasetGroupArn: otherGroup }), { duplicateDeliveryAfterMs: 0 });

      const [, first, second] = onEvents(stack);
      expect(second.at).toBeLessThan(first.at + first.durationMs);
      expect(result.status).toBe('UPDATE_COMPLETE');
      expect(s.liveTrackers().map((tracker) => [tracker.arn, tracker.name, tracker.datasetGroupArn]))
        .toEqual([[stack.physicalResourceId, 'other-clicks', otherGroup]]);
      expect(second.result).toEqual(first.result);
      s.expectRemaining(stack.physicalResourceId);
    });

    // Found by the soak (seed 1167240561): the update fails at once and CloudFormation's rollback creates
    // the tracker again (it was deleted out of band), while the update's second delivery, started before,
    // still runs: it took the rollback's new tracker for a leftover of its own and deleted it, and the
    // stack ended UPDATE_ROLLBACK_FAILED. The second delivery's create is held until the rollback's is made.
    // With name-style ARNs the new tracker has the old one's ARN: the second delivery takes it for the
    // physical id's, deletes nothing, and waits for it until its Lambda timeout (20 s here).
    const idStyleOnly = trackerArnStyle === 'id' ? test : test.skip;
    idStyleOnly('a failed update\'s second delivery never deletes the tracker the rollback made meanwhile', async () => {
      const s = await start();
      const books = s.emulator.createDatasetGroup('books');
      s.emulator.createForeignTracker({ name: 'likes', datasetGroupArn: s.emulator.createDatasetGroup('music') });
      const stack = s.newStack();
      await stack.create(s.props({ EventTrackerName: 'plays', DatasetGroupArn: books }));
      s.emulator.deleteTrackerBehindTheStacksBack(stack.physicalResourceId!);
      const secondDelivery = s.emulator.holdCall('CreateEventTracker', (input) => input.name === 'likes', 2);

      // The new name is taken: the update fails, and CloudFormation rolls back.
      const updating = stack.update(s.props({ EventTrackerName: 'likes', DatasetGroupArn: books }), { duplicateDeliveryAfterMs: 0 });
      await secondDelivery.reached;
      await until(() => s.liveTrackers().some((tracker) => tracker.name === 'plays'));
      secondDelivery.release();
      const result = await updating;

      expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(s.liveTrackers().filter((tracker) => !tracker.foreign).map((tracker) => [tracker.arn, tracker.name, tracker.status]))
        .toEqual([[stack.physicalResourceId, 'plays', 'ACTIVE']]);
      expect(s.emulator.callCount('DeleteEventTracker')).toBe(0);
      s.expectRemaining(stack.physicalResourceId);
    });
  });

  describe('5. read-after-write lag (Describe and List miss a new tracker for 9 s, past the 7 s it takes to turn ACTIVE)', () => {
    test('a Create waits for its tracker instead of failing', async () => {
      const s = await start({ readAfterWriteLagMs: 90 });
      const stack = s.newStack();

      const result = await stack.create(s.props());

      expect(result.status).toBe('CREATE_COMPLETE');
      const [tracker] = s.liveTrackers();
      expect(stack.attributes).toEqual({ TrackingId: tracker.trackingId, EventTrackerArn: tracker.arn, EventTrackerName: 'shop-clicks' });
      s.expectRemaining(tracker.arn);
    });

    test('a rename waits for the new tracker instead of rolling back', async () => {
      const s = await start();
      const stack = s.newStack();
      await stack.create(s.props());
      s.emulator.setReadAfterWriteLag(80);

      const result = await stack.update(s.props({ EventTrackerName: 'shop-views' }));

      expect(result.status).toBe('UPDATE_COMPLETE');
      expect(s.liveTrackers().map((tracker) => [tracker.arn, tracker.name])).toEqual([[stack.physicalResourceId, 'shop-views']]);
      s.expectRemaining(stack.physicalResourceId);
    });
  });

  describe('6. a move whose new tracker ends CREATE FAILED', () => {
    test('under a new name: the rollback returns to the original (same ARN and trackingId) and the failed tracker is removed', async () => {
      const s = await start();
      const otherGroup = s.emulator.createDatasetGroup('other');
      const stack = s.newStack();
      await stack.create(s.props());
      const original = identity(stack);
      s.emulator.injectCreateFailure('other-clicks');

      const result = await stack.update(s.props({ EventTrackerName: 'other-clicks', DatasetGroupArn: otherGroup }));
      await s.untilDeletionsFinish();

      expect(s.liveTrackers().map((tracker) => [tracker.name, tracker.datasetGroupArn])).toEqual([['shop-clicks', s.groupArn]]);
      expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(failureReasons(stack)[0]).toContain('CREATE FAILED');
      expect(identity(stack)).toEqual(original);
      s.expectRemaining(original.id);
    });

    test('under the same name: the rollback converges on one tracker with the old properties', async () => {
      const s = await start();
      const otherGroup = s.emulator.createDatasetGroup('other');
      const stack = s.newStack();
      await stack.create(s.props());
      s.emulator.injectCreateFailure('shop-clicks', 1);

      const result = await stack.update(s.props({ DatasetGroupArn: otherGroup }));
      await s.untilDeletionsFinish();

      expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(s.liveTrackers().map((tracker) => [tracker.arn, tracker.name, tracker.datasetGroupArn, tracker.status]))
        .toEqual([[stack.physicalResourceId, 'shop-clicks', s.groupArn, 'ACTIVE']]);
      expect(stack.getAtt('EventTrackerName')).toBe('shop-clicks');
      s.expectRemaining(stack.physicalResourceId);
    });
  });

  describe('7. onEvent answers before its Lambda timeout, so a created tracker never leaks', () => {
    // 450 ms is the Lambda timeout of onEvent here; the handler keeps a reserve of a fifth of it.
    const ON_EVENT_TIMEOUT_MS = 450;

    /** The stack converged: created with exactly its tracker, or rolled back with none. */
    function expectConverged(s: Scenario, stack: ReturnType<Scenario['newStack']>, status: string): void {
      expect(['CREATE_COMPLETE', 'ROLLBACK_COMPLETE']).toContain(status);
      expect(s.liveTrackers().map((tracker) => tracker.arn)).toEqual(status === 'CREATE_COMPLETE' ? [stack.physicalResourceId] : []);
    }

    test('when DescribeEventTracker is throttled through all its SDK retries', async () => {
      const s = await start({ faults: { bursts: [{ operation: 'DescribeEventTracker', count: 16, error: 'LimitExceededException' }] } });
      const stack = s.newStack({ userFunctionTimeoutMs: { onEvent: ON_EVENT_TIMEOUT_MS } });

      const result = await stack.create(s.props());
      await s.untilDeletionsFinish();

      expectConverged(s, stack, result.status);
      expect(onEvents(stack).map((invocation) => invocation.timedOut)).toEqual([false]);
      s.expectRemaining(stack.physicalResourceId);
    });

    test('when DescribeEventTracker answers slowly', async () => {
      const s = await start({ faults: { latencyMs: { DescribeEventTracker: 1_000 } } });
      const stack = s.newStack({ userFunctionTimeoutMs: { onEvent: ON_EVENT_TIMEOUT_MS } });

      const result = await stack.create(s.props());
      await s.untilDeletionsFinish();

      expectConverged(s, stack, result.status);
      expect(onEvents(stack).map((invocation) => invocation.timedOut)).toEqual([false]);
      s.expectRemaining(stack.physicalResourceId);
    });
  });
});

/** Resolves once `condition` holds, looking every millisecond (fails the test after 2 s). */
async function until(condition: () => boolean): Promise<void> {
  const giveUpAt = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
