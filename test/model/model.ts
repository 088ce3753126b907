import { describeSpec, LogicalId, TrackerSpec } from './declared';
import type { StackOutcome } from './tracker-stack';

/**
 * The model: what the template declares (the intent), and the ownership rules that say
 * how each stack operation must end: a tracker is the resource's own only if it is its physical id
 * or carries its proof; anything else in the way fails the operation before anything is touched;
 * a replacement that can create first does, so that a rollback finds the original intact. It never
 * looks at what the handler did; it looks at the world before the operation (which trackers exist,
 * and who created each one according to CloudFormation's records).
 */
export type StackPhase =
  | 'absent'
  /** CREATE_COMPLETE, UPDATE_COMPLETE or UPDATE_ROLLBACK_COMPLETE: updates allowed. */
  | 'live'
  /** ROLLBACK_COMPLETE after a failed create: CloudFormation only allows a delete. */
  | 'rolled-back'
  /** UPDATE_ROLLBACK_FAILED (allowed only where the model says so): only a delete. */
  | 'stuck';

export interface ResourceModel {
  spec: TrackerSpec;
  /** Deleted out of band and not touched by the stack since: CloudFormation does not know. */
  missing: boolean;
}

export interface Model {
  phase: StackPhase;
  /** Counts stack creations: a new StackId each time, so a new owner for every tracker. */
  incarnation: number;
  readonly resources: Map<LogicalId, ResourceModel>;
  /** The Provider's total timeout takes 12 s of wall time: at most this many per history. */
  timeoutsLeft: number;
}

export function initialModel(timeoutsPerHistory: number): Model {
  return { phase: 'absent', incarnation: 0, resources: new Map(), timeoutsLeft: timeoutsPerHistory };
}

/** A live tracker as the model sees the world before an operation. */
export interface TrackerView {
  readonly arn: string;
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly status: string;
  readonly foreign: boolean;
  /** `<incarnation>/<logicalId>` of the resource CloudFormation saw with this tracker; undefined if none. */
  readonly owner?: string;
  /** Kept under RETAIN (released, or flagged to be): never deleted, adopted again only when exactly asked for. */
  readonly kept?: boolean;
}

/** What the model allows an operation to end with. */
export interface Prediction {
  readonly allowed: readonly StackOutcome[];
  /** After these outcomes the resource must still be the same tracker (ARN and trackingId). */
  readonly keepsIdentity: readonly StackOutcome[];
  /** Why, in words, for the failure message. */
  readonly because: string;
  /** A tracker of this resource's own that is exactly what is asked for: a success must adopt it (ARN and trackingId). */
  readonly adopts?: TrackerView;
}

export function ownerKey(incarnation: number, logicalId: LogicalId): string {
  return `${incarnation}/${logicalId}`;
}

function isDeleting(status: string): boolean {
  return status === 'DELETE PENDING' || status === 'DELETE IN_PROGRESS';
}

/**
 * Trackers that make the target impossible for `owner`: anything that holds the target's name or
 * dataset group and is not this resource's own (no proof, or another resource's proof). Those on
 * their way out (DELETE PENDING, DELETE IN_PROGRESS) are `leaving`: waiting for them and failing
 * on them are both allowed.
 */
export function blockers(
  view: readonly TrackerView[],
  target: { name: string; datasetGroupArn: string },
  owner: string,
  currentArn?: string,
): TrackerView[] {
  return inTheWayOf(view, target, owner, currentArn).filter((tracker) => !isDeleting(tracker.status));
}

export function leaving(
  view: readonly TrackerView[],
  target: { name: string; datasetGroupArn: string },
  owner: string,
  currentArn?: string,
): TrackerView[] {
  return inTheWayOf(view, target, owner, currentArn).filter((tracker) => isDeleting(tracker.status));
}

function inTheWayOf(
  view: readonly TrackerView[],
  target: { name: string; datasetGroupArn: string },
  owner: string,
  currentArn?: string,
): TrackerView[] {
  return view.filter((tracker) => tracker.arn !== currentArn && (tracker.owner !== owner || isKeptElsewhere(tracker, target))
    && (tracker.name === target.name || tracker.datasetGroupArn === target.datasetGroupArn));
}

/** A kept tracker of the same resource blocks, unless it is exactly the target (then it is adopted). */
function isKeptElsewhere(tracker: TrackerView, target: { name: string; datasetGroupArn: string }): boolean {
  return tracker.kept === true && !(tracker.name === target.name && tracker.datasetGroupArn === target.datasetGroupArn);
}

/**
 * A tracker of `owner`'s own, other than the current one, with exactly the target's name and
 * dataset group and usable: the handler adopts it instead of creating one (a retained original,
 * a resource added back to the template).
 */
export function adoptable(
  view: readonly TrackerView[],
  target: { name: string; datasetGroupArn: string },
  owner: string,
  currentArn?: string,
): TrackerView | undefined {
  return view.find((tracker) => tracker.owner === owner && tracker.arn !== currentArn && tracker.name === target.name
    && tracker.datasetGroupArn === target.datasetGroupArn && tracker.status !== 'CREATE FAILED' && !isDeleting(tracker.status));
}

/** Adds `failed` to what is allowed when a foreign tracker in the way is being deleted. */
function orFailingOn(prediction: Prediction, gone: readonly TrackerView[], failed: StackOutcome, keepsIdentity: boolean): Prediction {
  if (gone.length === 0 || prediction.allowed.includes(failed)) return prediction;
  return {
    allowed: [...prediction.allowed, failed],
    keepsIdentity: keepsIdentity ? [...prediction.keepsIdentity, failed] : prediction.keepsIdentity,
    because: `${prediction.because}; or it fails on ${describeBlockers(gone)}, which is being deleted`,
  };
}

function describeBlockers(found: readonly TrackerView[]): string {
  return found.map((t) => `${t.foreign ? 'foreign' : `${t.owner ?? 'unowned'}'s`} tracker '${t.name}' (${t.arn.split('/').pop()}) in ${t.datasetGroupArn.split('/').pop()}`).join(', ');
}

export type ModifierKind = 'none' | 'fail-stack-after' | 'foreign-takes-old-slot' | 'create-fails' | 'duplicate' | 'lost-response' | 'provider-timeout';

export interface Modifier {
  readonly kind: ModifierKind;
  /** duplicate: ms between the two deliveries. */
  readonly gapMs?: number;
  /** lost-response: the operation whose answers are lost after it took effect. */
  readonly operation?: 'CreateEventTracker' | 'DeleteEventTracker' | 'TagResource' | 'UntagResource';
  readonly count?: number;
  /** foreign-takes-old-slot: what of the old tracker's the foreign one takes once it is gone. */
  readonly take?: 'name' | 'group';
}

export function describeModifier(modifier: Modifier): string {
  switch (modifier.kind) {
    case 'none': return '';
    case 'duplicate': return `, delivered twice ${modifier.gapMs} ms apart`;
    case 'lost-response': return `, ${modifier.count} ${modifier.operation} response(s) lost after taking effect`;
    case 'foreign-takes-old-slot': return `, a later resource fails and someone takes the old ${modifier.take} before the rollback`;
    case 'fail-stack-after': return ', a later resource fails';
    case 'create-fails': return ', the new tracker ends CREATE FAILED';
    case 'provider-timeout': return ', the Provider\'s total timeout passes while the tracker is being created';
  }
}

/**
 * Creating trackers for a new stack, or for a resource added to a live one (`incarnation` is the
 * incarnation the new resources belong to). The first impossible resource fails the operation.
 */
export function predictCreate(
  view: readonly TrackerView[],
  resources: ReadonlyArray<{ logicalId: LogicalId; spec: TrackerSpec; modifier: Modifier }>,
  incarnation: number,
  groupArns: readonly string[],
  outcomes: { ok: StackOutcome; failed: StackOutcome },
): Prediction {
  let open = false;
  const gone: TrackerView[] = [];
  for (const { logicalId, spec, modifier } of resources) {
    const target = { name: spec.name, datasetGroupArn: groupArns[spec.group] };
    gone.push(...leaving(view, target, ownerKey(incarnation, logicalId)));
    const inTheWay = blockers(view, target, ownerKey(incarnation, logicalId));
    if (inTheWay.length > 0) {
      return { allowed: [outcomes.failed], keepsIdentity: [], because: `${logicalId} (${describeSpec(spec)}) is impossible: ${describeBlockers(inTheWay)}` };
    }
    const own = adoptable(view, target, ownerKey(incarnation, logicalId));
    if (own && resources.length === 1) {
      // Nothing is created, so neither a CREATE FAILED nor a timeout can happen.
      const allowed: StackOutcome[] = modifier.kind === 'fail-stack-after' ? ['rolled-back'] : [outcomes.ok];
      return orFailingOn({ allowed, keepsIdentity: [], because: `${logicalId} adopts its own tracker ${own.arn.split('/').pop()}`, adopts: own }, gone, outcomes.failed, false);
    }
    if (modifier.kind === 'create-fails') {
      return { allowed: [outcomes.failed], keepsIdentity: [], because: `${logicalId}'s new tracker ends CREATE FAILED` };
    }
    if (modifier.kind === 'fail-stack-after') {
      return { allowed: [outcomes.failed === 'create-failed' ? 'create-failed' : 'rolled-back'], keepsIdentity: [], because: 'a later resource fails' };
    }
    open ||= modifier.kind === 'provider-timeout';
  }
  return orFailingOn(open
    ? { allowed: [outcomes.ok, outcomes.failed], keepsIdentity: [], because: 'the Provider\'s total timeout may pass before the tracker is ACTIVE' }
    : { allowed: [outcomes.ok], keepsIdentity: [], because: 'nothing is in the way' }, gone, outcomes.failed, false);
}

/** Changing one resource's properties (tags, name, dataset group, removal policy). */
export function predictUpdate(
  view: readonly TrackerView[],
  resource: ResourceModel,
  owner: string,
  currentArn: string | undefined,
  target: TrackerSpec,
  modifier: Modifier,
  groupArns: readonly string[],
  foreignTookOldSlot: boolean,
): Prediction {
  const prediction = updatePrediction(view, resource, owner, currentArn, target, modifier, groupArns, foreignTookOldSlot);
  const replacement = target.name !== resource.spec.name || target.group !== resource.spec.group;
  const gone = replacement ? leaving(view, { name: target.name, datasetGroupArn: groupArns[target.group] }, owner, currentArn) : [];
  return orFailingOn(prediction, gone, 'update-failed', !resource.missing);
}

function updatePrediction(
  view: readonly TrackerView[],
  resource: ResourceModel,
  owner: string,
  currentArn: string | undefined,
  target: TrackerSpec,
  modifier: Modifier,
  groupArns: readonly string[],
  foreignTookOldSlot: boolean,
): Prediction {
  const current = resource.spec;
  if (resource.missing) {
    // CloudFormation does not know: the handler may create the tracker again, or fail. Its rollback
    // creates the old one again, which only someone else's tracker under the old name or in the old
    // dataset group makes impossible.
    // It also refuses, with RETAIN, to replace the tracker this update made when that one is in the
    // old tracker's way: a rollback Update looks like any update to the handler, so it cannot know
    // that the tracker it would keep was made a moment ago.
    const oldInTheWay = blockers(view, { name: current.name, datasetGroupArn: groupArns[current.group] }, owner, currentArn);
    const retainedInTheWay = current.retain && (target.name === current.name || target.group === current.group);
    const stuck: StackOutcome[] = oldInTheWay.length > 0 || foreignTookOldSlot || retainedInTheWay ? ['rollback-failed'] : [];
    const failedOrRolledBack: StackOutcome[] = modifier.kind === 'fail-stack-after' || modifier.kind === 'foreign-takes-old-slot' ? ['update-failed', 'rolled-back'] : ['update-failed'];
    return {
      allowed: ['updated', ...failedOrRolledBack, ...stuck],
      keepsIdentity: [],
      because: `the tracker was deleted out of band: creating it again or failing are both allowed${stuck.length > 0 ? ', and so is a stuck rollback (the old name or group is taken, or RETAIN keeps what is in its way)' : ''}`,
    };
  }
  if (target.name === current.name && target.group === current.group) {
    return modifier.kind === 'fail-stack-after'
      ? { allowed: ['rolled-back'], keepsIdentity: ['rolled-back'], because: 'an in-place update, then a later resource fails' }
      : { allowed: ['updated'], keepsIdentity: ['updated'], because: 'an in-place update (tags or removal policy)' };
  }
  const inTheWay = blockers(view, { name: target.name, datasetGroupArn: groupArns[target.group] }, owner, currentArn);
  if (inTheWay.length > 0) {
    return { allowed: ['update-failed'], keepsIdentity: ['update-failed'], because: `the replacement is impossible: ${describeBlockers(inTheWay)}; it must fail before anything is touched` };
  }
  if (current.retain && (target.group === current.group || target.name === current.name)) {
    return { allowed: ['update-failed'], keepsIdentity: ['update-failed'], because: 'RETAIN and the current tracker is in the way of its replacement: the update fails before anything is touched' };
  }
  const own = adoptable(view, { name: target.name, datasetGroupArn: groupArns[target.group] }, owner, currentArn);
  if (own) {
    // Nothing is created (no CREATE FAILED, no timeout), and the current tracker is not in the way.
    const because = `the replacement adopts its own tracker ${own.arn.split('/').pop()}`;
    return modifier.kind === 'fail-stack-after' || modifier.kind === 'foreign-takes-old-slot'
      ? { allowed: ['rolled-back'], keepsIdentity: ['rolled-back'], because: `${because}, then a later resource fails` }
      : { allowed: ['updated'], keepsIdentity: [], because, adopts: own };
  }
  const createFirst = target.name !== current.name && target.group !== current.group;
  const kept = (outcome: StackOutcome): StackOutcome[] => (createFirst ? [outcome] : []);
  const how = createFirst ? 'create-first replacement (the old tracker stays until the cleanup)' : 'delete-first replacement';
  switch (modifier.kind) {
    case 'fail-stack-after':
      return { allowed: ['rolled-back'], keepsIdentity: kept('rolled-back'), because: `${how}, then a later resource fails` };
    case 'foreign-takes-old-slot':
      return foreignTookOldSlot
        ? { allowed: ['rollback-failed'], keepsIdentity: [], because: `${how}; a foreign tracker took the old ${modifier.take} before the rollback, which is impossible then` }
        : { allowed: ['rolled-back'], keepsIdentity: kept('rolled-back'), because: `${how}, then a later resource fails (the old ${modifier.take} was not free to take)` };
    case 'create-fails':
      return { allowed: ['update-failed'], keepsIdentity: kept('update-failed'), because: `${how} whose new tracker ends CREATE FAILED` };
    case 'provider-timeout':
      return { allowed: ['updated', 'update-failed'], keepsIdentity: kept('update-failed'), because: `${how} that may time out in the Provider` };
    default:
      return { allowed: ['updated'], keepsIdentity: [], because: how };
  }
}

/**
 * The model after an allowed outcome of an update of `logicalId` to `target`. Where the outcome was
 * open (a stuck rollback, a tracker deleted out of band), what CloudFormation holds is `observed`.
 */
export function applyUpdate(
  model: Model,
  logicalId: LogicalId,
  target: TrackerSpec,
  outcome: StackOutcome,
  observed: { spec: TrackerSpec; present: boolean },
): void {
  const resource = model.resources.get(logicalId)!;
  if (outcome === 'updated') {
    resource.spec = target;
    resource.missing = false;
    return;
  }
  resource.missing = !observed.present;
  if (outcome === 'rollback-failed') {
    resource.spec = observed.spec;
    model.phase = 'stuck';
  }
}
