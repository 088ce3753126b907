import { Scenario, failureReasons, holder, tags, userTags } from './harness';
import { OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';

// Taking over a tracker made outside any stack (the console, the CLI, a script), by its ARN.

let scenario: Scenario;
beforeEach(async () => {
  scenario = await Scenario.start();
});
afterEach(async () => {
  await scenario.finish();
});

/** A tracker made long before any stack, as the console or the CLI would have made it. */
function legacyTracker(name = 'legacy-clicks') {
  return scenario.emulator.createForeignTracker({ name, datasetGroupArn: scenario.groupArn, tags: [{ tagKey: 'made-by', tagValue: 'console' }] });
}

function takeOverProps(arn: string, overrides = {}) {
  return scenario.props({ EventTrackerName: 'legacy-clicks', TakeOverEventTrackerArn: arn, RemovalPolicy: 'Retain', ...overrides });
}

test('keeps the trackingId and the ARN, applies the declared tags and adds the ownership proof', async () => {
  const legacy = legacyTracker();
  const stack = scenario.newStack();

  const result = await stack.create(takeOverProps(legacy.arn, { Tags: tags({ team: 'recs' }) }));

  expect(result.status).toBe('CREATE_COMPLETE');
  expect(stack.physicalResourceId).toBe(legacy.arn);
  expect(stack.attributes).toEqual({ TrackingId: legacy.trackingId, EventTrackerArn: legacy.arn, EventTrackerName: 'legacy-clicks' });
  const after = scenario.emulator.tracker(legacy.arn)!;
  expect(after).toMatchObject({ status: 'ACTIVE', trackingId: legacy.trackingId });
  expect(userTags(after)).toEqual({ 'made-by': 'console', 'team': 'recs' });
  expect(after.tags[OWNERSHIP_TAG_KEY]).toMatch(/^Scenario0\//);
  expect(scenario.emulator.callCount('CreateEventTracker')).toBe(0);
});

test.each([
  ['name', { EventTrackerName: 'other-name' }, "eventTrackerName is 'other-name', but the tracker is named 'legacy-clicks'"],
  ['dataset group', 'other-group', 'but the tracker belongs to'],
])('fails with a wrong %s, saying what differs, and changes nothing', async (_, change, message) => {
  const legacy = scenario.foreignTracker('legacy-clicks', scenario.groupArn);
  const overrides = typeof change === 'string' ? { DatasetGroupArn: scenario.emulator.createDatasetGroup(change) } : change;
  const stack = scenario.newStack();

  const result = await stack.create(takeOverProps(legacy.arn, overrides));

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(failureReasons(stack)[0]).toContain(`Cannot take over event tracker ${legacy.arn}: `);
  expect(failureReasons(stack)[0]).toContain(message);
  expect(failureReasons(stack)[0]).toContain('Nothing was changed.');
  // finish(): the tracker is exactly as it was.
});

test('fails for a tracker that does not exist', async () => {
  const stack = scenario.newStack();
  const arn = `${scenario.groupArn.split(':dataset-group/')[0]}:event-tracker/00000000`;

  await stack.create(takeOverProps(arn));

  expect(failureReasons(stack)[0]).toContain(`Cannot take over event tracker ${arn}: Personalize knows no tracker with this ARN`);
});

test('refuses a tracker that another live stack manages, naming that stack, and changes nothing', async () => {
  const owner = scenario.newStack({ stackName: 'OwnerStack' });
  await owner.create(scenario.props({ EventTrackerName: 'legacy-clicks' }));
  const before = scenario.emulator.tracker(owner.physicalResourceId!);
  const thief = scenario.newStack({ stackName: 'OtherStack' });

  const result = await thief.create(takeOverProps(owner.physicalResourceId!));

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(failureReasons(thief)[0]).toContain('stack \'OwnerStack\' manages it');
  expect(scenario.emulator.tracker(owner.physicalResourceId!)).toEqual(before);
  scenario.expectRemaining(owner.physicalResourceId);
});

test('a rolled-back first deployment keeps the tracker, released, and the next deployment takes it over again', async () => {
  const legacy = legacyTracker();
  const first = scenario.newStack();

  const rolledBack = await first.create(takeOverProps(legacy.arn), { failStackAfter: true });

  expect(rolledBack.status).toBe('ROLLBACK_COMPLETE');
  expect(rolledBack.requests.map((request) => request.RequestType)).toEqual(['Create', 'Delete']);
  expect(scenario.emulator.tracker(legacy.arn)).toMatchObject({ status: 'ACTIVE', trackingId: legacy.trackingId });
  expect(holder(scenario.emulator.tracker(legacy.arn))).toBe('released');
  expect(scenario.emulator.callCount('DeleteEventTracker')).toBe(0);

  const second = scenario.newStack();
  const result = await second.create(takeOverProps(legacy.arn));
  expect(result.status).toBe('CREATE_COMPLETE');
  expect(second.getAtt('TrackingId')).toBe(legacy.trackingId);
});

test('removing the ARN and deleting the stack keeps a taken-over tracker: only an explicit DESTROY deletes it', async () => {
  const legacy = legacyTracker();
  const stack = scenario.newStack();
  await stack.create(takeOverProps(legacy.arn));
  expect((await stack.update(scenario.props({ EventTrackerName: 'legacy-clicks' }))).status).toBe('UPDATE_COMPLETE');

  await stack.delete();

  expect(scenario.emulator.tracker(legacy.arn)).toMatchObject({ status: 'ACTIVE', trackingId: legacy.trackingId });
  expect(holder(scenario.emulator.tracker(legacy.arn))).toBe('released');
});

test('a new stack takes over a tracker that a deleted stack kept and released', async () => {
  const old = scenario.newStack({ stackName: 'OldStack' });
  await old.create(scenario.props({ EventTrackerName: 'legacy-clicks', RemovalPolicy: 'Retain' }));
  const kept = { arn: old.physicalResourceId!, trackingId: old.getAtt('TrackingId') };
  await old.delete();
  expect(holder(scenario.emulator.tracker(kept.arn))).toBe('released');

  const next = scenario.newStack({ stackName: 'NewStack' });
  const result = await next.create(takeOverProps(kept.arn));

  expect(result.status).toBe('CREATE_COMPLETE');
  expect(next.getAtt('TrackingId')).toBe(kept.trackingId);
  expect(scenario.emulator.tracker(kept.arn)?.tags[OWNERSHIP_TAG_KEY]).toMatch(/^NewStack\//);
  scenario.expectRemaining(kept.arn);
});

test('afterwards it is an ordinary tracker: removing the ARN changes nothing, a rename replaces it like any other', async () => {
  const legacy = legacyTracker();
  const stack = scenario.newStack();
  await stack.create(takeOverProps(legacy.arn));

  const unchanged = await stack.update(scenario.props({ EventTrackerName: 'legacy-clicks' }));
  expect(unchanged.status).toBe('UPDATE_COMPLETE');
  expect(stack.physicalResourceId).toBe(legacy.arn);
  expect(scenario.emulator.tracker(legacy.arn)?.status).toBe('ACTIVE');

  // Still kept: a rename in place would delete it, so it needs removalPolicy DESTROY, chosen explicitly.
  const refused = await stack.update(scenario.props({ EventTrackerName: 'shop-clicks' }));
  expect(refused.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(scenario.emulator.tracker(legacy.arn)?.status).toBe('ACTIVE');

  const renamed = await stack.update(scenario.props({ EventTrackerName: 'shop-clicks', RemovalPolicy: 'Destroy' }));
  expect(renamed.status).toBe('UPDATE_COMPLETE');
  expect(scenario.emulator.tracker(legacy.arn)?.status).toBe('DELETED');
  expect(stack.getAtt('TrackingId')).not.toBe(legacy.trackingId);
  scenario.expectRemaining(stack.physicalResourceId);
});

test('adding the ARN to an EventTracker that already has a tracker fails and changes nothing', async () => {
  const legacy = scenario.foreignTracker('legacy-clicks', scenario.emulator.createDatasetGroup('legacy-group'));
  const stack = scenario.newStack();
  await stack.create(scenario.props());

  const result = await stack.update(scenario.props({ TakeOverEventTrackerArn: legacy.arn }));

  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(failureReasons(stack)[0]).toContain('a tracker is taken over only when its EventTracker is created');
  scenario.expectRemaining(stack.physicalResourceId);
});
