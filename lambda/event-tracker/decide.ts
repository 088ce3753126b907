import * as messages from './messages';
import { Described, isCreating, isDeleting, Observation, Status, Tracker } from './observation';
import { Claim, Flag, originOf, proofValue } from './proof';
import type { Declared, Request } from './request';
import { isAwaited, isUpdateRollback, rollsBackWhatCameIn } from './stack-phase';
import { HANDLER_TAG_KEY_PREFIX, OWNERSHIP_TAG_KEY } from '../../src/private/handler-contract';
import { RESERVED_TAG_KEY_PREFIX } from '../../src/private/validation-rules';

export type Look =
  | { readonly at: 'physical' | 'group' | 'name' | 'take-over' | 'stack' | 'resource' | 'left-behind' }
  | { readonly at: 'details'; readonly arn: string };

/** One Personalize call that changes something. */
export type Change =
  | { readonly kind: 'create'; readonly name: string; readonly datasetGroupArn: string; readonly tags: ReadonlyMap<string, string> }
  | { readonly kind: 'delete'; readonly arn: string }
  | { readonly kind: 'tag'; readonly arn: string; readonly tags: ReadonlyMap<string, string> }
  | { readonly kind: 'untag'; readonly arn: string; readonly keys: readonly string[] };

export interface Answer {
  readonly arn: string;
  readonly name: string;
  readonly trackingId: string;
}

/** The next step of a request: the only place that decides what the handler does. */
export type Step =
  | { readonly kind: 'look'; readonly look: Look }
  | { readonly kind: 'change'; readonly change: Change; readonly why: string }
  /** Nothing to do until Personalize moves on; `arn` is the tracker waited for. */
  | { readonly kind: 'wait'; readonly why: string; readonly arn?: string }
  /** Create and Update answer with the tracker; a Delete with nothing. */
  | { readonly kind: 'done'; readonly answer?: Answer }
  /** `cleanup` removes this request's own tracker that ended CREATE FAILED. */
  | { readonly kind: 'fail'; readonly reason: string; readonly cleanup?: Change };

const EVENT_TRACKER_ARN = /^arn:[a-z\d-]+:personalize:[^:]*:[^:]*:event-tracker\/.+$/;

export function isTrackerArn(value: string | undefined): value is string {
  return value !== undefined && EVENT_TRACKER_ARN.test(value);
}

/**
 * What to do next, from the request and what has been seen: no I/O, no clock. Called again after
 * every step, so each answer only has to be right for the observation it is given.
 */
export function decide(request: Request, seen: Observation): Step {
  return request.declared ? converge(request, request.declared, seen) : depart(request, seen);
}

/** Create and Update: bring about exactly the declared tracker, ACTIVE, with its tags. */
function converge(request: Request, want: Declared, seen: Observation): Step {
  if (request.type === 'Update' && isTrackerArn(request.physicalId) && seen.physical === undefined) {
    return look('physical');
  }
  const current = seen.physical ? described(seen.physical) : undefined;
  const claim = current?.details.claim;
  if (current && claim?.by === 'other' && !claim.released) {
    return fail(messages.managedElsewhere(current.arn, claim.stack));
  }
  const ours = claim?.by === 'this' && !claim.flags.has(Flag.RELEASED) ? current : undefined;

  if (request.type === 'Create' && want.takeOverArn !== undefined) {
    return takeOver(request, want, seen);
  }
  if (request.type === 'Update' && want.takeOverArn !== undefined && want.takeOverArn !== request.previous?.takeOverArn
    && want.takeOverArn !== request.physicalId) {
    if (seen.stackStatus === undefined) {
      return look('stack');
    }
    // CloudFormation's rollback returns to the tracker the resource took over; a user may not add one.
    if (!isUpdateRollback(seen.stackStatus)) {
      return fail(messages.takeOverAdded(want.takeOverArn, request.physicalId));
    }
  }
  const previous = request.previous;
  const movesBack = request.type === 'Update' && previous?.name !== undefined && previous.datasetGroupArn !== undefined
    && (previous.name !== want.name || previous.datasetGroupArn !== want.datasetGroupArn);
  if (movesBack && seen.stackStatus === undefined) {
    return look('stack');
  }
  // A rollback to other properties may find a tracker the rolled-back update left: see leftBehind.
  const failed = movesBack && isUpdateRollback(seen.stackStatus ?? null)
    ? { name: previous!.name!, datasetGroupArn: previous!.datasetGroupArn! } : undefined;
  if (ours && matches(ours, want) && !failed) {
    return finish(request, want, seen, ours);
  }
  if (request.type === 'Create' && seen.inGroup === undefined && seen.createRefused === undefined) {
    // Personalize refuses a create that anything is in the way of: trying first costs nothing.
    return change(request, seen, create(request, want), 'create the tracker');
  }
  if (request.type === 'Create' && seen.createRefused === 'group-not-active') {
    // A dataset group that is not ACTIVE holds no tracker: nothing to look at until it is.
    return wait(`dataset group ${want.datasetGroupArn} is not ACTIVE yet`);
  }

  const scene = survey(want, seen);
  if ('kind' in scene) {
    return scene;
  }
  const { target, blockers } = scene;
  for (const blocker of blockers.filter((tracker) => !isDeleting(tracker.status))) {
    const refusal = mayRemove(request, want, seen, blocker, blocker === scene.occupant, ours);
    if (refusal) {
      return refusal;
    }
  }
  // After every refusal, so that a rollback that fails has changed nothing.
  const left = failed ? leftBehind(request, want, seen, failed, current) : undefined;
  if (left) {
    return left;
  }
  const replaced = ours && ours.arn !== target?.arn && !blockers.some((blocker) => blocker.arn === ours.arn);
  if (ours && replaced && !isDeleting(ours.status) && ours.status !== Status.CREATE_FAILED) {
    // Not in the way: it stays until CloudFormation's cleanup Delete, whose properties are the old
    // ones, so its fate is written on it now, by this template (or by the rollback).
    if (isCreating(ours.status)) {
      return wait(`${ours.arn}, which is being replaced, is ${ours.status}`, ours.arn);
    }
    if (seen.stackStatus === undefined) {
      return look('stack');
    }
    const kept = keptWhenReplaced(want, ours.details.claim, seen.stackStatus);
    if (!kept && isUpdateRollback(seen.stackStatus) && madeByRolledBackUpdate(request, want, ours.details.claim) === false) {
      return fail(messages.notMadeByRolledBackUpdate(ours, want));
    }
    const fate = kept ? Flag.KEEP : Flag.DISCARD;
    const flags = flagsOf(ours.details.claim);
    if (!flags.has(fate)) {
      const next: Flag[] = [...flags].filter((flag) => flag !== Flag.KEEP && flag !== Flag.DISCARD);
      next.push(fate);
      return change(request, seen, { kind: 'tag', arn: ours.arn, tags: proofTag(request, next, ours.details.claim) }, `record the replaced tracker's fate (${fate})`);
    }
  }
  if (target) {
    return finish(request, want, seen, target);
  }
  const going = blockers.find((blocker) => isDeleting(blocker.status));
  if (going) {
    return wait(`${going.arn} is being deleted`, going.arn);
  }
  const [blocker] = blockers;
  if (blocker) {
    return isCreating(blocker.status)
      ? wait(`${blocker.arn} is in the way and still being created; Personalize deletes it only then`, blocker.arn)
      : change(request, seen, { kind: 'delete', arn: blocker.arn }, `delete ${blocker.arn}, which is in the way`);
  }
  if (seen.createRefused === 'group-not-active') {
    return wait(`dataset group ${want.datasetGroupArn} is not ACTIVE yet`);
  }
  if (seen.createRefused === 'exists') {
    return wait('Personalize refused the create as existing, but shows nothing in the way yet (read-after-write lag)');
  }
  return change(request, seen, create(request, want), 'create the tracker');
}

interface Scene {
  /** This resource's tracker with the declared name and dataset group. */
  readonly target?: Described;
  /** The trackers that hold the dataset group or the name. */
  readonly blockers: readonly Tracker[];
  readonly occupant?: Tracker;
}

/** Where the declared tracker is, and what is in its way. */
function survey(want: Declared, seen: Observation): Scene | Step {
  if (seen.inGroup === undefined) {
    return look('group');
  }
  const occupant = seen.inGroup ?? undefined;
  if (occupant?.name === want.name && !occupant.details && (isCreating(occupant.status) || isDeleting(occupant.status))) {
    // Whoever's it is, nothing can be done with it until it settles.
    return wait(`${occupant.arn} in the dataset group is ${occupant.status}`, occupant.arn);
  }
  if (occupant?.name !== want.name && seen.named === undefined) {
    return look('name');
  }
  const candidates = [occupant, seen.named ?? undefined]
    .filter((tracker, index, all): tracker is Tracker => tracker !== undefined && all.findIndex((other) => other?.arn === tracker.arn) === index);
  let target: Described | undefined;
  const blockers: Tracker[] = [];
  for (const tracker of candidates) {
    if (!tracker.details && !isDeleting(tracker.status)) {
      return { kind: 'look', look: { at: 'details', arn: tracker.arn } };
    }
    // Which listing found it says little while Personalize's lists lag: its description decides.
    if (tracker.details?.claim.by === 'this' && matches(tracker as Described, want)) {
      target = tracker as Described;
    } else {
      blockers.push(tracker);
    }
  }
  return { target, blockers, occupant };
}

/**
 * In a rollback, the tracker the update being rolled back made under its own properties but never
 * answered with (it timed out, or failed after its create): CloudFormation holds no physical id for
 * it, so no cleanup Delete will come for it. The rollback deletes it, or releases it if it existed
 * before that update. One in the way of the rollback's own tracker is dealt with as any in the way.
 */
function leftBehind(
  request: Request, want: Declared, seen: Observation, failed: { name: string; datasetGroupArn: string }, current?: Tracker,
): Step | undefined {
  if (seen.leftBehind === undefined) {
    return look('left-behind');
  }
  const tracker = seen.leftBehind;
  const inTheWay = failed.datasetGroupArn === want.datasetGroupArn || failed.name === want.name;
  if (!tracker || tracker.name !== failed.name || tracker.arn === current?.arn || inTheWay || isDeleting(tracker.status)) {
    return undefined;
  }
  if (!tracker.details) {
    return { kind: 'look', look: { at: 'details', arn: tracker.arn } };
  }
  const { claim } = tracker.details;
  if (claim.by !== 'this' || claim.flags.has(Flag.RELEASED) || claim.flags.has(Flag.KEEP)) {
    return undefined;
  }
  if (claim.flags.has(Flag.TAKEN_OVER) || claim.flags.has(Flag.ADOPTED)) {
    const flags: Flag[] = [...claim.flags].filter((flag) => flag === Flag.TAKEN_OVER);
    flags.push(Flag.RELEASED);
    return change(request, seen, { kind: 'tag', arn: tracker.arn, tags: proofTag(request, flags, claim) }, 'release what the rolled-back update brought back');
  }
  return isCreating(tracker.status)
    ? wait(`${tracker.arn}, which the rolled-back update made, is still being created`, tracker.arn)
    : change(request, seen, { kind: 'delete', arn: tracker.arn }, 'delete the tracker the rolled-back update made');
}

/** A refusal (a failure, or a look needed first) to remove a tracker in the way; undefined: it may go. */
function mayRemove(
  request: Request, want: Declared, seen: Observation, blocker: Tracker, inGroup: boolean, ours: Described | undefined,
): Step | undefined {
  const { claim, datasetGroupArn } = described(blocker).details;
  if (claim.by !== 'this') {
    return fail(inGroup ? messages.foreignInDatasetGroup(want.datasetGroupArn, blocker.name, blocker.arn)
      : messages.nameTaken(want.name, blocker.arn, datasetGroupArn));
  }
  if (claim.flags.has(Flag.RELEASED) || (claim.flags.has(Flag.KEEP) && blocker.status !== Status.CREATE_FAILED)) {
    return fail(messages.keptInTheWay(blocker.arn, want));
  }
  if (blocker.arn === ours?.arn) {
    if (seen.stackStatus === undefined) {
      return look('stack');
    }
    if (keptWhenReplaced(want, claim, seen.stackStatus)) {
      return fail(messages.cannotReplaceKept(blocker, want));
    }
    // A rollback deletes the tracker in its way only if the update being rolled back made it. Without
    // an origin to tell, only if that update can have: its removal policy let it delete the one before.
    const made = isUpdateRollback(seen.stackStatus) ? madeByRolledBackUpdate(request, want, claim) : true;
    if (made === false || (made === undefined && request.previous?.removal.policy !== 'destroy')) {
      return fail(messages.keptFromRollback(blocker, want, made === false));
    }
  }
  return undefined;
}

/**
 * Whether the tracker being replaced stays. In CloudFormation's rollback, the tracker the failed
 * update made was never part of a completed deployment: it goes, unless that update brought back a
 * tracker that existed before. Otherwise the template being deployed decides.
 */
function keptWhenReplaced(want: Declared, claim: Claim, stackStatus: string | null): boolean {
  const flags = flagsOf(claim);
  if (isUpdateRollback(stackStatus)) {
    return flags.has(Flag.TAKEN_OVER) || flags.has(Flag.ADOPTED);
  }
  return want.removal.policy !== 'destroy' || (flags.has(Flag.TAKEN_OVER) && !want.removal.explicit);
}

/** Take over the tracker the user named by its ARN, only as it is, and only if no other stack manages it. */
function takeOver(request: Request, want: Declared, seen: Observation): Step {
  if (seen.takeOver === undefined) {
    return look('take-over');
  }
  const arn = want.takeOverArn!;
  if (seen.takeOver === null) {
    return fail(messages.noTrackerToTakeOver(arn));
  }
  const tracker = described(seen.takeOver);
  const differences = [
    ...(tracker.name === want.name ? [] : [`eventTrackerName is '${want.name}', but the tracker is named '${tracker.name}'`]),
    ...(tracker.details.datasetGroupArn === want.datasetGroupArn ? [] : [`datasetGroup is ${want.datasetGroupArn}, but the tracker belongs to ${tracker.details.datasetGroupArn}`]),
    ...(tracker.status === Status.ACTIVE ? [] : [`the tracker is ${tracker.status}, not ACTIVE`]),
  ];
  if (differences.length > 0) {
    return fail(messages.takeOverDiffers(arn, differences));
  }
  const { claim } = tracker.details;
  if (claim.by === 'other' && !claim.released) {
    return fail(messages.takeOverManagedElsewhere(arn, claim.stack));
  }
  if (claim.by === 'this' && claim.flags.has(Flag.TAKEN_OVER) && !claim.flags.has(Flag.RELEASED)) {
    return finish(request, want, seen, tracker);
  }
  // One call: the declared tags and the proof. A take-over that fails before it has changed nothing.
  const tags = new Map([...want.tags, ...proofTag(request, [Flag.TAKEN_OVER])]);
  return change(request, seen, { kind: 'tag', arn, tags }, 'take the tracker over');
}

/** This resource's tracker with the declared name and dataset group: wait for it, or bring its tags about. */
function finish(request: Request, want: Declared, seen: Observation, tracker: Tracker): Step {
  if (isCreating(tracker.status) || isDeleting(tracker.status)) {
    return wait(`${tracker.arn} is ${tracker.status}`, tracker.arn);
  }
  if (!tracker.details) {
    return { kind: 'look', look: { at: 'details', arn: tracker.arn } };
  }
  const { claim, tags, datasetGroupArn, trackingId } = described(tracker).details;
  if (tracker.status === Status.CREATE_FAILED) {
    // This resource's own tracker goes with the failure; one it released is not its own to delete.
    if (flagsOf(claim).has(Flag.RELEASED)) {
      return fail(messages.createFailed(tracker, datasetGroupArn));
    }
    const cleanup: Change = { kind: 'delete', arn: tracker.arn };
    const fenced = change(request, seen, cleanup, 'delete the tracker that failed');
    return fenced.kind === 'change' ? { kind: 'fail', reason: messages.createFailed(tracker, datasetGroupArn), cleanup } : fenced;
  }
  if (tracker.status !== Status.ACTIVE) {
    return wait(`${tracker.arn} is ${tracker.status}`, tracker.arn);
  }
  const flags = flagsOf(claim);
  // A tracker released earlier takes exactly the declared tags; otherwise only the keys the template dropped go.
  const wasKept = flags.has(Flag.RELEASED);
  const dropped = [...tags.keys()].filter((key) => isUserTag(key) && !want.tags.has(key)
    && (wasKept || (request.previous?.tags.has(key) ?? false)));
  if (dropped.length > 0) {
    return change(request, seen, { kind: 'untag', arn: tracker.arn, keys: dropped }, 'remove the tags the template no longer declares');
  }
  const settled: Flag[] = [...flags].filter((flag) => flag === Flag.TAKEN_OVER || flag === Flag.ADOPTED).concat(wasKept ? [Flag.ADOPTED] : []);
  const wanted = new Map([...want.tags, ...proofTag(request, settled, claim)]);
  const differing = new Map([...wanted].filter(([key, value]) => tags.get(key) !== value));
  if (differing.size > 0) {
    return change(request, seen, { kind: 'tag', arn: tracker.arn, tags: differing }, 'set the declared tags and the ownership tag');
  }
  return { kind: 'done', answer: { arn: tracker.arn, name: tracker.name, trackingId } };
}

/** Delete: the tracker leaving the stack is deleted or, if kept, released; any other is left alone. */
function depart(request: Request, seen: Observation): Step {
  const leaving = request.previous;
  let tracker: Tracker | null | undefined;
  if (isTrackerArn(request.physicalId)) {
    if (seen.physical === undefined) {
      return look('physical');
    }
    tracker = seen.physical;
  } else {
    // No tracker ARN: a Create that failed, or whose answer never reached CloudFormation. What it
    // may have left is a tracker of this resource's under its properties.
    if (leaving?.name === undefined || leaving.datasetGroupArn === undefined) {
      return done();
    }
    if (seen.inGroup === undefined) {
      return look('group');
    }
    tracker = seen.inGroup?.name === leaving.name ? seen.inGroup : null;
    if (tracker && !tracker.details) {
      return { kind: 'look', look: { at: 'details', arn: tracker.arn } };
    }
  }
  const claim = tracker?.details?.claim;
  if (!tracker || claim?.by !== 'this' || claim.flags.has(Flag.RELEASED)) {
    return done();
  }
  if (isDeleting(tracker.status)) {
    return wait(`${tracker.arn} is being deleted`, tracker.arn);
  }
  const kept = tracker.status !== Status.CREATE_FAILED && keptWhenLeaving(request, claim.flags, seen);
  if (typeof kept !== 'boolean') {
    return kept;
  }
  if (kept) {
    const flags: Flag[] = [...claim.flags].filter((flag) => flag === Flag.TAKEN_OVER);
    flags.push(Flag.RELEASED);
    return change(request, seen, { kind: 'tag', arn: tracker.arn, tags: proofTag(request, flags, claim) }, 'keep the tracker, and release it');
  }
  return isCreating(tracker.status)
    ? wait(`${tracker.arn} is still being created; Personalize deletes it only then`, tracker.arn)
    : change(request, seen, { kind: 'delete', arn: tracker.arn }, 'delete the tracker');
}

/**
 * Whether a tracker leaving the stack stays. A fate written when it was replaced comes first (the
 * cleanup Delete carries the old properties). A taken-over tracker stays unless DESTROY is chosen.
 * Otherwise the removal policy, and for DESTROY and RetainExceptOnCreate whether the stack
 * operation that brought the tracker in is being rolled back: then what it created goes, and what
 * existed before it (taken over, or adopted again) stays.
 */
function keptWhenLeaving(request: Request, flags: ReadonlySet<Flag>, seen: Observation): boolean | Step {
  if (flags.has(Flag.KEEP) || flags.has(Flag.DISCARD)) {
    return flags.has(Flag.KEEP);
  }
  const { policy, explicit } = request.previous!.removal;
  const existedBefore = flags.has(Flag.TAKEN_OVER) || flags.has(Flag.ADOPTED);
  if (policy === 'retain' || (flags.has(Flag.TAKEN_OVER) && !explicit)) {
    return true;
  }
  if (policy === 'destroy' && !existedBefore) {
    return false;
  }
  if (seen.stackStatus === undefined) {
    return look('stack');
  }
  const rollingBack = rollsBackWhatCameIn(seen.stackStatus);
  return policy === 'destroy' ? rollingBack : !rollingBack || existedBefore;
}

/** A change, once CloudFormation's status (the resource's for a Create, else the stack's) says it still waits for this request. */
function change(request: Request, seen: Observation, next: Change, why: string): Step {
  const status = request.type === 'Create' ? seen.resourceStatus : seen.stackStatus;
  if (status === undefined) {
    return look(request.type === 'Create' ? 'resource' : 'stack');
  }
  if (!isAwaited(request.type, status)) {
    return fail(messages.notAwaited(request, status ?? 'unknown'));
  }
  return { kind: 'change', change: next, why };
}

function create(request: Request, want: Declared): Change {
  const origin = originOf(request.type === 'Update' ? request.previous : undefined, want);
  return { kind: 'create', name: want.name, datasetGroupArn: want.datasetGroupArn, tags: new Map([...want.tags, ...proofTag(request, [], { by: 'this', flags: new Set(), origin })]) };
}

/** The ownership tag with these flags; the origin of the tracker it goes on (its claim) stays. */
function proofTag(request: Request, flags: readonly Flag[], claim?: Claim): Map<string, string> {
  return new Map([[OWNERSHIP_TAG_KEY, proofValue(request.owner, flags, claim?.by === 'this' ? claim.origin : undefined)]]);
}

/**
 * In CloudFormation's rollback of an update: whether this resource's tracker is one that update
 * made, by the origin the handler wrote on it (its properties before and after are the rollback's
 * after and before). undefined: it cannot tell (a tracker made before trackers carried their origin).
 */
function madeByRolledBackUpdate(request: Request, want: Declared, claim: Claim): boolean | undefined {
  if (claim.by !== 'this' || claim.origin === undefined || request.previous === undefined) {
    return undefined;
  }
  return claim.origin === originOf(want, request.previous);
}

function matches(tracker: Described, want: Declared): boolean {
  return tracker.name === want.name && tracker.details.datasetGroupArn === want.datasetGroupArn;
}

function flagsOf(claim: Claim): ReadonlySet<Flag> {
  return claim.by === 'this' ? claim.flags : new Set();
}

function isUserTag(key: string): boolean {
  return !key.startsWith(HANDLER_TAG_KEY_PREFIX) && !key.toLowerCase().startsWith(RESERVED_TAG_KEY_PREFIX);
}

/** Trackers reached through `physical`, `take-over` and `details` looks are always described. */
function described(tracker: Tracker): Described {
  if (!tracker.details) {
    throw new Error(`internal: ${tracker.arn} was not described`);
  }
  return tracker as Described;
}

function look(at: Exclude<Look['at'], 'details'>): Step {
  return { kind: 'look', look: { at } };
}

function wait(why: string, arn?: string): Step {
  return { kind: 'wait', why, arn };
}

function fail(reason: string): Step {
  return { kind: 'fail', reason };
}

function done(): Step {
  return { kind: 'done' };
}
