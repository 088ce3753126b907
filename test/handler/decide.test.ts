import { decide, Step } from '../../lambda/event-tracker/decide';
import { Observation, Tracker } from '../../lambda/event-tracker/observation';
import { claimOf, Flag, originOf, Owner, proofValue } from '../../lambda/event-tracker/proof';
import type { Declared, Removal, Request } from '../../lambda/event-tracker/request';
import { OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';

// The decisions that matter most, one observation each (decide-*.exhaustive.test.ts sweeps them all).

const THIS: Owner = { stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Shop/11111111-1111-1111-1111-111111111111', logicalResourceId: 'Clicks' };
const OTHER: Owner = { stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/22222222-2222-2222-2222-222222222222', logicalResourceId: 'Clicks' };
const GROUP = 'arn:aws:personalize:us-east-1:123456789012:dataset-group/shop';
const OTHER_GROUP = 'arn:aws:personalize:us-east-1:123456789012:dataset-group/other';
const DESTROY: Removal = { policy: 'destroy', explicit: false };
const RETAIN: Removal = { policy: 'retain', explicit: true };
const arn = (id: string) => `arn:aws:personalize:us-east-1:123456789012:event-tracker/${id}`;

interface TrackerOptions {
  readonly owner?: Owner;
  readonly flags?: Flag[];
  readonly status?: string;
  readonly tags?: Record<string, string>;
  /** The request that made it (proof.ts, originOf). */
  readonly origin?: string;
}

function tracker(id: string, name: string, datasetGroupArn: string, options: TrackerOptions = {}): Tracker {
  const tags = new Map(Object.entries(options.tags ?? {}));
  if (options.owner) tags.set(OWNERSHIP_TAG_KEY, proofValue(options.owner, options.flags ?? [], options.origin));
  return { arn: arn(id), name, status: options.status ?? 'ACTIVE', details: { datasetGroupArn, trackingId: `tid-${id}`, claim: claimOf(THIS, tags), tags } };
}

function declared(name: string, datasetGroupArn: string, removal: Removal = DESTROY, extra: Partial<Declared> = {}): Declared {
  return { name, datasetGroupArn, tags: new Map(), removal, ...extra };
}

const create = (want: Declared): Request => ({ type: 'Create', requestId: 'r1', owner: THIS, declared: want });
const update = (physicalId: string, want: Declared, previous: Declared): Request => ({ type: 'Update', requestId: 'r2', owner: THIS, physicalId, declared: want, previous });
const remove = (physicalId: string, previous: Declared): Request => ({ type: 'Delete', requestId: 'r3', owner: THIS, physicalId, previous });

/** What the step does, in a few words (a failure with its whole reason). */
function summary(step: Step): string {
  switch (step.kind) {
    case 'look': return `look ${step.look.at}`;
    case 'change': return `${step.change.kind} ${'arn' in step.change ? step.change.arn.split('/')[1] : step.change.name}`;
    case 'wait': return 'wait';
    case 'done': return `done ${step.answer?.arn.split('/')[1] ?? ''}`.trim();
    case 'fail': return `fail${step.cleanup ? ' and delete' : ''}: ${step.reason}`;
  }
}

const plays = tracker('p1', 'plays', GROUP, { owner: THIS });
const likesMadeBy = (origin: string) => tracker('p2', 'likes', GROUP, { owner: THIS, origin });

test.each<[string, Request, Observation, string]>([
  ['a Create first asks whether CloudFormation still waits for it', create(declared('plays', GROUP)), {}, 'look resource'],
  ['a Create tries to create at once: Personalize refuses it if anything is in the way', create(declared('plays', GROUP)), { resourceStatus: 'CREATE_IN_PROGRESS' }, 'create plays'],
  ['a late Create (CloudFormation created the resource already) changes nothing', create(declared('plays', GROUP)), { resourceStatus: 'UPDATE_IN_PROGRESS' },
    'fail: This Create request (r1) arrived while the resource is UPDATE_IN_PROGRESS'],
  ['a refused Create looks at what is in the way', create(declared('plays', GROUP)), { resourceStatus: 'CREATE_IN_PROGRESS', createRefused: 'exists' }, 'look group'],
  ['a Create adopts its own tracker (an earlier invocation of the request made it)', create(declared('plays', GROUP)), { resourceStatus: 'CREATE_IN_PROGRESS', createRefused: 'exists', inGroup: plays }, 'done p1'],
  ['a Create never adopts a foreign tracker with the same name and group',
    create(declared('plays', GROUP)), { resourceStatus: 'CREATE_IN_PROGRESS', createRefused: 'exists', inGroup: tracker('f', 'plays', GROUP, { owner: OTHER }) },
    'fail: Dataset group arn:aws:personalize:us-east-1:123456789012:dataset-group/s'],
  ['an Update with new tags changes them in place', update(arn('p1'), { ...declared('plays', GROUP), tags: new Map([['team', 'a']]) }, declared('plays', GROUP)),
    { physical: plays, stackStatus: 'UPDATE_IN_PROGRESS' }, 'tag p1'],
  ['a rename in the same dataset group deletes the old tracker first, once the new name is known to be free',
    update(arn('p1'), declared('likes', GROUP), declared('plays', GROUP)), { physical: plays, inGroup: plays, named: null, stackStatus: 'UPDATE_IN_PROGRESS' }, 'delete p1'],
  ['a rename in the same dataset group under RETAIN fails, changing nothing',
    update(arn('p1'), declared('likes', GROUP, RETAIN), declared('plays', GROUP)), { physical: plays, inGroup: plays, named: null, stackStatus: 'UPDATE_IN_PROGRESS' },
    'fail: Cannot replace event tracker \'plays\' (arn:aws:personalize:us-ea'],
  ['a rename onto a foreign tracker\'s name fails before the old tracker is touched',
    update(arn('p1'), declared('likes', GROUP), declared('plays', GROUP)), { physical: plays, inGroup: plays, named: tracker('f', 'likes', OTHER_GROUP, { owner: OTHER }), stackStatus: 'UPDATE_IN_PROGRESS' },
    'fail: The event tracker name \'likes\' is already used by arn:aws:perso'],
  ['a move to a new name and group records the old tracker\'s fate for the cleanup Delete, then creates',
    update(arn('p1'), declared('likes', OTHER_GROUP), declared('plays', GROUP)), { physical: plays, inGroup: null, named: null, stackStatus: 'UPDATE_IN_PROGRESS' }, 'tag p1'],
  // Sequence 5: RETAIN to DESTROY with a rename, then a later resource fails. The rollback's Update
  // (back to RETAIN) deletes the tracker the failed update made: it was never part of a completed deployment.
  ['the rollback deletes the tracker the failed update made, in the way, whatever the removal policy',
    update(arn('p2'), declared('plays', GROUP, RETAIN), declared('likes', GROUP)),
    { physical: tracker('p2', 'likes', GROUP, { owner: THIS }), inGroup: tracker('p2', 'likes', GROUP, { owner: THIS }), named: null, leftBehind: null, stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' }, 'delete p2'],
  ['the same properties in a user\'s deployment keep the tracker (RETAIN) and fail',
    update(arn('p2'), declared('plays', GROUP, RETAIN), declared('likes', GROUP)),
    { physical: tracker('p2', 'likes', GROUP, { owner: THIS }), inGroup: tracker('p2', 'likes', GROUP, { owner: THIS }), named: null, stackStatus: 'UPDATE_IN_PROGRESS' },
    'fail: Cannot replace event tracker \'likes\' (arn:aws:personalize:us-ea'],
  // A tracker's origin tells the rollback whether the update it undoes made it, whatever that update's policy.
  ['the rollback deletes the tracker in its way that the update being rolled back made (its origin says so), also under RETAIN',
    update(arn('p2'), declared('plays', GROUP), declared('likes', GROUP, RETAIN)),
    { physical: likesMadeBy(originOf(declared('plays', GROUP), declared('likes', GROUP, RETAIN))), inGroup: likesMadeBy(originOf(declared('plays', GROUP), declared('likes', GROUP, RETAIN))), named: null, leftBehind: null, stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' },
    'delete p2'],
  ['a twin of an update under DESTROY that takes itself for the rollback deletes nothing an earlier request made',
    update(arn('p2'), declared('plays', GROUP), declared('likes', GROUP)),
    { physical: likesMadeBy(originOf(undefined, declared('likes', GROUP))), inGroup: likesMadeBy(originOf(undefined, declared('likes', GROUP))), named: null, leftBehind: null, stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' },
    'fail: Cannot return to \'plays\' in dataset group arn:aws:personalize'],
  ['the rollback keeps a tracker in its way with no origin that the update being rolled back could not have made (it kept trackers)',
    update(arn('p2'), declared('plays', GROUP), declared('likes', GROUP, RETAIN)),
    { physical: tracker('p2', 'likes', GROUP, { owner: THIS }), inGroup: tracker('p2', 'likes', GROUP, { owner: THIS }), named: null, leftBehind: null, stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' },
    'fail: Cannot return to \'plays\' in dataset group arn:aws:personalize'],
  // The update being rolled back made 'likes' elsewhere but never answered with it (it timed out):
  // CloudFormation holds no id for it, so no cleanup Delete comes; the rollback deletes it.
  ['a rollback to other properties first looks for what the rolled-back update left',
    update(arn('p1'), declared('plays', GROUP), declared('likes', OTHER_GROUP)), { physical: plays, inGroup: plays, stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' }, 'look left-behind'],
  ['the rollback deletes the tracker the rolled-back update made and never answered with',
    update(arn('p1'), declared('plays', GROUP), declared('likes', OTHER_GROUP)),
    { physical: plays, inGroup: plays, leftBehind: tracker('l', 'likes', OTHER_GROUP, { owner: THIS }), stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' }, 'delete l'],
  ['the rollback leaves a tracker with that name that is not this resource\'s',
    update(arn('p1'), declared('plays', GROUP), declared('likes', OTHER_GROUP)),
    { physical: plays, inGroup: plays, leftBehind: tracker('l', 'likes', OTHER_GROUP, { owner: OTHER }), stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' }, 'done p1'],
  // Sequence 6: leaving a take-over, then a later resource fails: the rollback carries the take-over
  // ARN again, and returns to the taken-over tracker, which is this resource's.
  ['a user may not add a take-over ARN to an EventTracker that manages a tracker',
    update(arn('p2'), declared('clicks', GROUP, RETAIN, { takeOverArn: arn('x') }), declared('likes', OTHER_GROUP)),
    { physical: tracker('p2', 'likes', OTHER_GROUP, { owner: THIS }), stackStatus: 'UPDATE_IN_PROGRESS' }, 'fail: takeOverEventTrackerArn arn:aws:personalize:us-east-1:12345678'],
  ['the rollback returns to the taken-over tracker, recording first that the failed update\'s tracker goes',
    update(arn('p2'), declared('clicks', GROUP, RETAIN, { takeOverArn: arn('x') }), declared('likes', OTHER_GROUP)),
    { physical: tracker('p2', 'likes', OTHER_GROUP, { owner: THIS }), inGroup: tracker('x', 'clicks', GROUP, { owner: THIS, flags: [Flag.TAKEN_OVER, Flag.DISCARD] }), leftBehind: null, stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' },
    'tag p2'],
  ['a Delete under RETAIN keeps and releases the tracker, in one call', remove(arn('p1'), declared('plays', GROUP, RETAIN)), { physical: plays, stackStatus: 'DELETE_IN_PROGRESS' }, 'tag p1'],
  ['a Delete of a tracker already released is done', remove(arn('p1'), declared('plays', GROUP, RETAIN)),
    { physical: tracker('p1', 'plays', GROUP, { owner: THIS, flags: [Flag.RELEASED] }) }, 'done'],
  ['a Delete never deletes a tracker another stack manages', remove(arn('p1'), declared('plays', GROUP)), { physical: tracker('p1', 'plays', GROUP, { owner: OTHER }) }, 'done'],
  ['RetainExceptOnCreate deletes a tracker when the creation rolls back',
    remove(arn('p1'), declared('plays', GROUP, { policy: 'retain-except-on-create', explicit: true })), { physical: plays, stackStatus: 'ROLLBACK_IN_PROGRESS' }, 'delete p1'],
  ['RetainExceptOnCreate keeps it when the stack is deleted',
    remove(arn('p1'), declared('plays', GROUP, { policy: 'retain-except-on-create', explicit: true })), { physical: plays, stackStatus: 'DELETE_IN_PROGRESS' }, 'tag p1'],
  ['the fate a replacing update wrote decides over the cleanup Delete\'s old properties',
    remove(arn('p1'), declared('plays', GROUP, RETAIN)), { physical: tracker('p1', 'plays', GROUP, { owner: THIS, flags: [Flag.DISCARD] }), stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' }, 'delete p1'],
  // Sequences 2-4: a late delivery, once the stack moved on, changes nothing.
  ['a late Update changes nothing', update(arn('p1'), declared('likes', GROUP), declared('plays', GROUP)),
    { physical: plays, inGroup: plays, named: null, stackStatus: 'UPDATE_ROLLBACK_COMPLETE' }, 'fail: This Update request (r2) arrived while the stack is UPDATE_ROLL'],
  ['a late Delete changes nothing', remove(arn('p1'), declared('plays', GROUP)), { physical: plays, stackStatus: 'UPDATE_COMPLETE' },
    'fail: This Delete request (r3) arrived while the stack is UPDATE_COMPLETE'],
  ['a tracker that ended CREATE FAILED fails the request and goes with it',
    create(declared('plays', GROUP)), { resourceStatus: 'CREATE_IN_PROGRESS', createRefused: 'exists', inGroup: tracker('p1', 'plays', GROUP, { owner: THIS, status: 'CREATE FAILED' }) },
    'fail and delete: Event tracker \'plays\' (arn:aws:personalize:us-east-1:123456789'],
])('%s', (_name, request, seen, expected) => {
  // A failure is told by the start of its reason.
  expect(summary(decide(request, seen)).slice(0, expected.length)).toBe(expected);
});

test('a tracker the handler creates carries the origin of the request that made it, and keeps it when its tags change', () => {
  const request = update(arn('p1'), declared('likes', OTHER_GROUP), declared('plays', GROUP));
  const origin = originOf(declared('plays', GROUP), declared('likes', OTHER_GROUP));
  const created = decide(request, { physical: null, inGroup: null, named: null, stackStatus: 'UPDATE_IN_PROGRESS' });
  expect(created).toMatchObject({ kind: 'change', change: { kind: 'create', tags: new Map([[OWNERSHIP_TAG_KEY, proofValue(THIS, [], origin)]]) } });
  expect(claimOf(THIS, (created as unknown as { change: { tags: Map<string, string> } }).change.tags)).toEqual({ by: 'this', flags: new Set(), origin });
  const released = decide(remove(arn('p1'), declared('likes', OTHER_GROUP, RETAIN)), { physical: tracker('p1', 'likes', OTHER_GROUP, { owner: THIS, origin }), stackStatus: 'DELETE_IN_PROGRESS' });
  expect(released).toMatchObject({ change: { kind: 'tag', tags: new Map([[OWNERSHIP_TAG_KEY, proofValue(THIS, [Flag.RELEASED], origin)]]) } });
});

test('the released tracker gets one tag: the ownership tag, marked released', () => {
  const step = decide(remove(arn('p1'), declared('plays', GROUP, RETAIN)), { physical: plays, stackStatus: 'DELETE_IN_PROGRESS' });
  expect(step).toEqual({ kind: 'change', why: expect.any(String), change: { kind: 'tag', arn: arn('p1'), tags: new Map([[OWNERSHIP_TAG_KEY, proofValue(THIS, [Flag.RELEASED])]]) } });
});
