import { failureReasons, holder, Scenario } from './harness';
import { OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';

// RETAIN as the construct renders it (RemovalPolicy Retain, CloudFormation's own policies Delete): the
// handler sees every Delete and decides, from what the proof recorded and the properties, whether a
// tracker goes or is kept and released. Found in a review of the handler against CloudFormation's
// update, rollback and cleanup sequences.

let scenario: Scenario;
beforeEach(async () => {
  scenario = await Scenario.start();
});
afterEach(async () => {
  await scenario.finish();
});

test('a stack failure after a RETAIN move (new name, new group) returns to the original and removes the tracker the update made', async () => {
  const otherGroup = scenario.emulator.createDatasetGroup('other');
  const stack = scenario.newStack();
  await stack.create(scenario.props({ RemovalPolicy: 'Retain' }));
  const original = { arn: stack.physicalResourceId, trackingId: stack.getAtt('TrackingId') };

  const result = await stack.update(scenario.props({ EventTrackerName: 'other-clicks', DatasetGroupArn: otherGroup, RemovalPolicy: 'Retain' }), { failStackAfter: true });

  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect({ arn: stack.physicalResourceId, trackingId: stack.getAtt('TrackingId') }).toEqual(original);
  expect(scenario.emulator.tracker(original.arn!)?.tags[OWNERSHIP_TAG_KEY]).toMatch(/^Scenario0\/[0-9a-f]{40}\/\/[0-9a-f]{8}$/);
  // The tracker the rolled-back update made was never part of a completed deployment: it goes.
  await scenario.untilDeletionsFinish();
  scenario.expectRemaining(original.arn);

  const retried = await stack.update(scenario.props({ EventTrackerName: 'other-clicks', DatasetGroupArn: otherGroup, RemovalPolicy: 'Retain' }));
  expect(retried.status).toBe('UPDATE_COMPLETE');
  scenario.expectRemaining(original.arn, stack.physicalResourceId);
});

test('the new template\'s removal policy decides the replaced tracker\'s fate, though the cleanup Delete carries the old properties', async () => {
  const groups = [scenario.emulator.createDatasetGroup('second'), scenario.emulator.createDatasetGroup('third')];
  const stack = scenario.newStack();
  await stack.create(scenario.props());
  const destroyed = stack.physicalResourceId!;

  // DESTROY -> RETAIN in the update that moves it: the old tracker is kept, as UpdateReplacePolicy would.
  await stack.update(scenario.props({ EventTrackerName: 'second-clicks', DatasetGroupArn: groups[0], RemovalPolicy: 'Retain' }));
  const kept = stack.physicalResourceId!;
  expect(scenario.emulator.tracker(destroyed)?.status).toBe('ACTIVE');
  expect(holder(scenario.emulator.tracker(destroyed))).toBe('released');

  // RETAIN -> DESTROY in the update that moves it again: the old tracker goes.
  await stack.update(scenario.props({ EventTrackerName: 'third-clicks', DatasetGroupArn: groups[1], RemovalPolicy: 'Destroy' }));
  await scenario.untilDeletionsFinish();
  expect(scenario.emulator.tracker(kept)?.status).toBe('DELETED');
  scenario.expectRemaining(destroyed, stack.physicalResourceId);
});

test('a Delete delivered twice releases a kept tracker once, and the second delivery deletes nothing', async () => {
  const stack = scenario.newStack();
  await stack.create(scenario.props({ RemovalPolicy: 'Retain' }));
  const arn = stack.physicalResourceId!;
  const request = stack.buildRequest('Delete', { properties: scenario.props({ RemovalPolicy: 'Retain' }), physicalResourceId: arn });

  const deleting = { stackStatus: 'DELETE_IN_PROGRESS' } as const;
  const [first, second] = await Promise.all([stack.send(request, deleting), stack.send(request, deleting)]);

  expect(first.response.Status).toBe('SUCCESS');
  // The second delivery joins the first's waiter (aws-cdk-lib 2.224.0), or runs its own, which finds the tracker released.
  expect([second.response.Status, second.response.Reason]).toEqual(['SUCCESS', 'SUCCESS']);
  expect(scenario.emulator.tracker(arn)?.status).toBe('ACTIVE');
  expect(holder(scenario.emulator.tracker(arn))).toBe('released');
  expect(scenario.emulator.callCount('DeleteEventTracker')).toBe(0);
  scenario.expectRemaining(arn);
});

test('after a failed first deployment kept the tracker, deploying again says how to take it over, and the take-over keeps its trackingId', async () => {
  const stack = scenario.newStack();
  const props = scenario.props({ RemovalPolicy: 'Retain' });
  expect((await stack.create(props, { failStackAfter: true })).status).toBe('ROLLBACK_COMPLETE');
  const [kept] = scenario.liveTrackers();
  await stack.delete();

  // cdk deploy again: a new stack (a new StackId), which the released tracker proves nothing to.
  expect((await stack.create(props)).status).toBe('ROLLBACK_COMPLETE');
  expect(failureReasons(stack).at(-1)).toContain(`takeOverEventTrackerArn: '${kept.arn}'`);
  await stack.delete();

  expect((await stack.create(scenario.props({ RemovalPolicy: 'Retain', TakeOverEventTrackerArn: kept.arn }))).status).toBe('CREATE_COMPLETE');
  expect(stack.getAtt('TrackingId')).toBe(kept.trackingId);
  scenario.expectRemaining(kept.arn);
});

test('a late duplicate of a successful Create that fails does not delete the tracker CloudFormation holds', async () => {
  const stack = scenario.newStack();
  await stack.create(scenario.props());
  const held = stack.physicalResourceId!;
  // Lambda delivers the Create again, into an account throttled past the SDK's retries.
  scenario.setFaults({ bursts: [{ operation: 'DescribeEventTracker', count: 8, error: 'LimitExceededException' }] });

  await stack.send(stack.requests[0]);

  expect(scenario.emulator.tracker(held)?.status).toBe('ACTIVE');
  scenario.expectRemaining(held);
});

test('a late duplicate of a successful take-over that fails keeps the ownership proof', async () => {
  const legacy = scenario.emulator.createForeignTracker({ name: 'legacy-clicks', datasetGroupArn: scenario.groupArn });
  const stack = scenario.newStack({ stackName: 'OwnerStack' });
  const props = scenario.props({ EventTrackerName: 'legacy-clicks', TakeOverEventTrackerArn: legacy.arn, RemovalPolicy: 'Retain' });
  expect((await stack.create(props)).status).toBe('CREATE_COMPLETE');
  scenario.setFaults({ bursts: [{ operation: 'TagResource', count: 8, error: 'LimitExceededException' }] });

  await stack.send(stack.requests[0]);
  scenario.setFaults({});

  expect(scenario.emulator.tracker(legacy.arn)?.tags[OWNERSHIP_TAG_KEY]).toMatch(/^OwnerStack\//);
  const other = scenario.newStack({ stackName: 'OtherStack' });
  expect((await other.create(props)).status).toBe('ROLLBACK_COMPLETE');
  expect(failureReasons(other)[0]).toContain("stack 'OwnerStack' manages it");
  scenario.expectRemaining();
});

test('name-style ARNs: a foreign namesake at the physical id is never deleted by the stack', async () => {
  await scenario.finish();
  scenario = await Scenario.start({ trackerArnStyle: 'name' });
  const stack = scenario.newStack();
  await stack.create(scenario.props());
  const arn = stack.physicalResourceId!;
  scenario.emulator.deleteTrackerBehindTheStacksBack(arn);
  // Someone else makes a tracker of that name in their own dataset group: same ARN, no proof of ours.
  const foreign = scenario.foreignTracker('shop-clicks', scenario.emulator.createDatasetGroup('theirs'));
  expect(foreign.arn).toBe(arn);

  expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
  // finish(): the foreign tracker is unchanged.
});

// Found by the model-based test (test/model/): create, then a move and rename whose new tracker ends
// CREATE FAILED. The update had recorded the original's fate as a replaced tracker's; the rollback
// must clear it, or the original, kept by RETAIN, would be deleted with the stack.
test('a failed RETAIN move and rename leaves the original as it was: deleting the stack keeps it', async () => {
  const otherGroup = scenario.emulator.createDatasetGroup('other');
  const stack = scenario.newStack();
  await stack.create(scenario.props({ RemovalPolicy: 'Retain' }));
  const original = stack.physicalResourceId!;
  const proof = scenario.emulator.tracker(original)?.tags[OWNERSHIP_TAG_KEY];
  scenario.emulator.injectCreateFailure('other-clicks', 1);

  const failed = await stack.update(scenario.props({ EventTrackerName: 'other-clicks', DatasetGroupArn: otherGroup, RemovalPolicy: 'Retain' }));

  expect(failed.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(scenario.emulator.tracker(original)?.tags[OWNERSHIP_TAG_KEY]).toBe(proof);
  await stack.delete();
  expect(scenario.emulator.tracker(original)?.status).toBe('ACTIVE');
  await scenario.untilDeletionsFinish();
  scenario.expectRemaining(original);
});

// Found by the model-based test (test/model/): a RETAIN tracker removed from the stack, then declared
// again under the same construct, is its own released tracker: adopted again, with the declared tags.
test('a kept tracker declared again by the same resource is adopted again, with the declared tags', async () => {
  const stack = scenario.newStack();
  await stack.create(scenario.props({ RemovalPolicy: 'Retain' }));
  const kept = { arn: stack.physicalResourceId!, trackingId: stack.getAtt('TrackingId') };
  const request = stack.buildRequest('Delete', { properties: scenario.props({ RemovalPolicy: 'Retain' }), physicalResourceId: kept.arn });
  // Removed from the template (its Delete comes in the update's cleanup), then added back by the next update.
  const cleanup = { stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' } as const;
  const added = { stackStatus: 'UPDATE_IN_PROGRESS', resourceStatus: 'CREATE_IN_PROGRESS' } as const;
  expect((await stack.send(request, cleanup)).response.Status).toBe('SUCCESS');

  const again = await stack.send(stack.buildRequest('Create', { properties: scenario.props({ RemovalPolicy: 'Retain', Tags: [{ Key: 'team', Value: 'a' }] }) }), added);

  expect(again.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: kept.arn, Data: { TrackingId: kept.trackingId } });
  // Its proof says it was adopted again: it existed before the operation that brought it back.
  expect(scenario.emulator.tracker(kept.arn)?.tags).toEqual({ team: 'a', [OWNERSHIP_TAG_KEY]: expect.stringMatching(/^Scenario0\/[0-9a-f]{40}\/a\/[0-9a-f]{8}$/) });

  // Removed and declared once more, now without tags: the earlier template's tags go too.
  const deleteAgain = stack.buildRequest('Delete', { properties: scenario.props({ RemovalPolicy: 'Retain' }), physicalResourceId: kept.arn });
  expect((await stack.send(deleteAgain, cleanup)).response.Status).toBe('SUCCESS');
  expect((await stack.send(stack.buildRequest('Create', { properties: scenario.props({ RemovalPolicy: 'Retain' }) }), added)).response.Status).toBe('SUCCESS');
  expect(scenario.emulator.tracker(kept.arn)?.tags).toEqual({ [OWNERSHIP_TAG_KEY]: expect.stringMatching(/^Scenario0\/[0-9a-f]{40}\/a\/[0-9a-f]{8}$/) });
  scenario.expectRemaining(kept.arn);
});

test('moving back to a tracker kept long ago adopts it, and keeps (releases) the one it leaves under RETAIN', async () => {
  const otherGroup = scenario.emulator.createDatasetGroup('other');
  const stack = scenario.newStack();
  await stack.create(scenario.props({ RemovalPolicy: 'Retain' }));
  const first = stack.physicalResourceId!;
  await stack.update(scenario.props({ EventTrackerName: 'other-clicks', DatasetGroupArn: otherGroup, RemovalPolicy: 'Retain' }));
  const second = stack.physicalResourceId!;

  const back = await stack.update(scenario.props({ RemovalPolicy: 'Retain' }));

  expect(back.status).toBe('UPDATE_COMPLETE');
  expect(stack.physicalResourceId).toBe(first);
  expect(scenario.emulator.tracker(second)?.status).toBe('ACTIVE');
  expect(holder(scenario.emulator.tracker(second))).toBe('released');
  scenario.expectRemaining(first, second);
});

// Found by the soak: a RETAIN tracker added to a stack ends CREATE FAILED; the rollback's Delete must
// not try to keep (release) a tracker that never became ACTIVE and is already being deleted.
test('a RETAIN tracker whose creation ends CREATE FAILED rolls back cleanly', async () => {
  scenario.setFaults({ latencyMs: 15 });
  scenario.emulator.injectCreateFailure('shop-clicks', 1);
  const stack = scenario.newStack();

  const result = await stack.create(scenario.props({ RemovalPolicy: 'Retain' }));

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  await scenario.untilDeletionsFinish();
  scenario.expectRemaining();
});
