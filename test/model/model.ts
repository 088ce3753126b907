import { describeSpec, LogicalId, shortArn, TrackerSpec } from './declared';
import type { StackOutcome } from './tracker-stack';

/**
 * The model: what the template declares (the intent), the trackers the stack kept, and the ownership
 * rules that say how each stack operation must end and what every tracker must be afterwards. It
 * never looks at what the handler did or tagged; it looks at the world before the operation (which
 * trackers exist and where) and at CloudFormation's records (which physical id each resource holds).
 *
 * The rules, as docs/design.md states them for the handler and CloudFormation sequences them:
 *
 * - A tracker is a resource's own only if the resource holds it (its physical id), or kept it
 *   earlier (then only exactly as declared: same name and dataset group), or the user named it in
 *   takeOverEventTrackerArn when the resource is created. Anything else in the way of a create or a
 *   replacement (someone else's tracker, another resource's, one kept by another resource or stack)
 *   fails the operation before anything is touched.
 * - A take-over needs the named tracker ACTIVE, with the declared name and dataset group, and not held
 *   by another resource; it keeps the tracker's ARN and trackingId and the user tags it had.
 * - Replacing a tracker: in a deployment, the template being deployed decides whether the old one is
 *   kept (RETAIN, RETAIN_ON_UPDATE_OR_DELETE, or taken over without DESTROY chosen explicitly);
 *   a kept tracker in the way of its replacement fails the update before anything is touched; one
 *   that is not in the way stays until the cleanup, one that is in the way goes first. A tracker that
 *   never was part of a completed deployment (made by an update that failed or rolled back) goes,
 *   whatever the removal policy, unless it existed before that update (adopted again after it was kept).
 * - A tracker leaving the stack (removed, stack deleted, a create rolled back): taken over and DESTROY
 *   not explicit, or RETAIN: kept; DESTROY: deleted, except that a rollback keeps what existed before
 *   the operation it rolls back; RETAIN_ON_UPDATE_OR_DELETE: kept, except that a rollback deletes
 *   what the rolled-back operation created. A tracker whose creation ended CREATE FAILED goes.
 * - Kept means released: it stays, and no stack's proof holds it any more. Gone means deleted (or
 *   being deleted). Nothing else of the stack's may be left: no leak.
 * - A delivery CloudFormation no longer waits for changes nothing, with one documented residual
 *   (design.md, "What remains"): a stale delivery of the same request type that runs while a request
 *   of that type runs for the same resource. There the model allows any outcome and leaves the
 *   trackers of that resource open (kept or gone), but still requires no leak and no foreign tracker
 *   touched.
 */
export type StackPhase =
  | 'absent'
  /** CREATE_COMPLETE, UPDATE_COMPLETE or UPDATE_ROLLBACK_COMPLETE: updates allowed. */
  | 'live'
  /** ROLLBACK_COMPLETE after a failed create: CloudFormation only allows a delete. */
  | 'rolled-back'
  /** UPDATE_ROLLBACK_FAILED, ROLLBACK_FAILED, DELETE_FAILED (allowed only where the model says so): only a delete. */
  | 'stuck';

export interface ResourceModel {
  spec: TrackerSpec;
  /** Deleted out of band and not touched by the stack since: CloudFormation does not know. */
  missing: boolean;
  /**
   * What its tracker is, is open: a stale delivery may have acted on it (the residual), or a
   * rollback failed. Its checks are relaxed, and its next update is open, until an update succeeds.
   */
  unsure: boolean;
  /** Its tracker was taken over by ARN: it existed before the stack (proof flag t). */
  takenOver: boolean;
  /** Its tracker was kept earlier and adopted again: it existed before the operation that brought it back (proof flag a). */
  adoptedAgain: boolean;
  /** User tags the tracker had when it was taken over that no template declared since: they stay on it. */
  extras: Record<string, string>;
}

/** A tracker the stack kept when it left (released): it stays; its resource may adopt it again only exactly as declared. */
export interface KeptTracker {
  readonly arn: string;
  readonly name: string;
  readonly datasetGroupArn: string;
  /** ownerKey of the resource that kept it. */
  readonly owner: string;
  readonly takenOver: boolean;
}

/** A tracker made outside the stack (someone else's, or one made in the console): never touched unless taken over. */
export interface OutsideTracker {
  readonly arn: string;
  readonly name: string;
  readonly datasetGroupArn: string;
}

/** A delivery that may run a waiter of its own after its request was answered (aws-cdk-lib after 2.232.x). */
export interface StaleDelivery {
  readonly owner: string;
  readonly type: 'Create' | 'Update' | 'Delete';
}

export interface Model {
  phase: StackPhase;
  /** Counts stack creations: a new StackId each time, so a new owner for every tracker. */
  incarnation: number;
  readonly resources: Map<LogicalId, ResourceModel>;
  /** The Provider's total timeout and a hung read each take 12 s of wall time: at most this many per history. */
  timeoutsLeft: number;
  readonly kept: Map<string, KeptTracker>;
  readonly outside: Map<string, OutsideTracker>;
  /** Trackers an open outcome left either kept (released) or gone, and who would have kept them; settled at the next full check. */
  readonly open: Map<string, { readonly owner: string; readonly takenOver: boolean }>;
  /** Trackers an operation said must be gone, checked (and forgotten) at the next full check. */
  readonly expectGone: Array<{ readonly arn: string; readonly why: string }>;
  /** Stale deliveries that may still run (until the world settles): a request of their type for their resource meanwhile is the residual. */
  readonly stale: StaleDelivery[];
  /** Whether each delivery of a request runs a waiter of its own (aws-cdk-lib after 2.232.x) or joins the one named after the RequestId. */
  readonly waiterPerDelivery: boolean;
}

export function initialModel(timeoutsPerHistory: number, waiterPerDelivery: boolean): Model {
  return {
    phase: 'absent',
    incarnation: 0,
    resources: new Map(),
    timeoutsLeft: timeoutsPerHistory,
    kept: new Map(),
    outside: new Map(),
    open: new Map(),
    expectGone: [],
    stale: [],
    waiterPerDelivery,
  };
}

export function newResource(spec: TrackerSpec, held: Partial<ResourceModel> = {}): ResourceModel {
  return { spec, missing: false, unsure: false, takenOver: false, adoptedAgain: false, extras: {}, ...held };
}

export function ownerKey(incarnation: number, logicalId: LogicalId): string {
  return `${incarnation}/${logicalId}`;
}

/** Whose a live tracker is, for the model. */
export type Holder =
  | { readonly kind: 'held'; readonly owner: string }
  | { readonly kind: 'kept'; readonly owner: string; readonly takenOver: boolean }
  | { readonly kind: 'outside' }
  /** None of the above: something of the stack's that should not be there (the invariants report it as a leak). */
  | { readonly kind: 'unknown' };

/** A live tracker as the model sees the world before an operation. */
export interface TrackerView {
  readonly arn: string;
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly status: string;
  readonly trackingId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly holder: Holder;
}

/** What the model allows an operation to end with. */
export interface Prediction {
  readonly allowed: readonly StackOutcome[];
  /** After these outcomes the resource must still be the same tracker (ARN and trackingId). */
  readonly keepsIdentity: readonly StackOutcome[];
  /** Why, in words, for the failure message. */
  readonly because: string;
  /** A tracker that existed before (kept by this resource, or taken over): a success must hold it (ARN and trackingId). */
  readonly adopts?: TrackerView;
  /** The residual: a stale delivery of the same type may act meanwhile; any outcome is allowed, the resource's trackers are open. */
  readonly residual?: boolean;
}

/** What must be of each tracker after an operation, besides what the stack holds. */
export interface Fates {
  /** Kept: live, released, and in the model's kept trackers from now on. */
  readonly kept: KeptTracker[];
  /** Gone: deleted, or being deleted. */
  readonly gone: Array<{ readonly arn: string; readonly why: string }>;
  /** Either, by an open outcome; `owner` would have kept it. */
  readonly open: Array<{ readonly arn: string; readonly owner: string; readonly takenOver: boolean }>;
}

export const NO_FATES: Fates = { kept: [], gone: [], open: [] };

export function mergeFates(...all: Fates[]): Fates {
  return { kept: all.flatMap((f) => f.kept), gone: all.flatMap((f) => f.gone), open: all.flatMap((f) => f.open) };
}

// ----------------------------------------------------------------------------------------------
// Removal policies.

/** The policy the template's RemovalPolicy (or its absence) stands for: with a take-over, none means RETAIN. */
export function effectivePolicy(spec: TrackerSpec): 'retain' | 'destroy' | 'retain-except-on-create' {
  if (spec.policy === 'default') return spec.takeOver !== undefined ? 'retain' : 'destroy';
  return spec.policy;
}

/** In a deployment, whether the tracker being replaced stays (the template being deployed decides). */
export function keptWhenReplaced(next: TrackerSpec, current: { takenOver: boolean }): boolean {
  return effectivePolicy(next) !== 'destroy' || (current.takenOver && next.policy === 'default');
}

/**
 * Whether a tracker leaving the stack stays. `spec`: the properties of the Delete (what the template
 * said of it); `rollingBack`: the operation that brought it in is being rolled back; `existedBefore`:
 * it was taken over or adopted again (it existed before that operation).
 */
export function keptWhenLeaving(spec: TrackerSpec, rollingBack: boolean, held: { takenOver: boolean; adoptedAgain: boolean }): boolean {
  if (held.takenOver && spec.policy !== 'destroy') return true;
  const existedBefore = held.takenOver || held.adoptedAgain;
  switch (effectivePolicy(spec)) {
    case 'retain': return true;
    case 'destroy': return existedBefore && rollingBack;
    case 'retain-except-on-create': return !rollingBack || existedBefore;
  }
}

// ----------------------------------------------------------------------------------------------
// What is in the way.

export function isDeleting(status: string): boolean {
  return status === 'DELETE PENDING' || status === 'DELETE IN_PROGRESS';
}

interface Target {
  readonly name: string;
  readonly datasetGroupArn: string;
}

function targetOf(spec: TrackerSpec, groupArns: readonly string[]): Target {
  return { name: spec.name, datasetGroupArn: groupArns[spec.group] };
}

/** Trackers holding the target's name or dataset group, other than `except` (the resource's current tracker). */
function inTheWayOf(view: readonly TrackerView[], target: Target, except?: string): TrackerView[] {
  return view.filter((t) => t.arn !== except && (t.name === target.name || t.datasetGroupArn === target.datasetGroupArn));
}

/** This resource's kept tracker with exactly the target's name and dataset group, usable: it is adopted again, not created. */
export function adoptable(view: readonly TrackerView[], target: Target, owner: string, except?: string): TrackerView | undefined {
  return inTheWayOf(view, target, except).find((t) => t.holder.kind === 'kept' && t.holder.owner === owner
    && t.name === target.name && t.datasetGroupArn === target.datasetGroupArn && t.status !== 'CREATE FAILED' && !isDeleting(t.status));
}

/** What makes the target impossible for `owner`: anything in its way but the resource's own tracker and its own kept one asked for exactly. */
export function blockers(view: readonly TrackerView[], target: Target, owner: string, except?: string): TrackerView[] {
  const own = adoptable(view, target, owner, except);
  return inTheWayOf(view, target, except).filter((t) => t !== own && !isDeleting(t.status));
}

/** Trackers in the way that are being deleted: waiting for them and failing on them are both allowed. */
export function leaving(view: readonly TrackerView[], target: Target, except?: string): TrackerView[] {
  return inTheWayOf(view, target, except).filter((t) => isDeleting(t.status));
}

export function describeTrackers(found: readonly TrackerView[]): string {
  return found.map((t) => {
    const whose = t.holder.kind === 'held' ? `${t.holder.owner}'s` : t.holder.kind === 'kept' ? `kept (by ${t.holder.owner})`
      : t.holder.kind === 'outside' ? 'foreign' : 'unplaced';
    return `${whose} tracker '${t.name}' (${shortArn(t.arn)}, ${t.status}) in ${shortArn(t.datasetGroupArn)}`;
  }).join(', ');
}

/** Adds `failed` to what is allowed when a tracker in the way is being deleted. */
function orFailingOn(prediction: Prediction, gone: readonly TrackerView[], failed: StackOutcome, keepsIdentity: boolean): Prediction {
  if (gone.length === 0 || prediction.allowed.includes(failed)) return prediction;
  return {
    ...prediction,
    allowed: [...prediction.allowed, failed],
    keepsIdentity: keepsIdentity ? [...prediction.keepsIdentity, failed] : prediction.keepsIdentity,
    because: `${prediction.because}; or it fails on ${describeTrackers(gone)}, which is being deleted`,
  };
}

// ----------------------------------------------------------------------------------------------
// Modifiers: what may happen around an operation besides the operation itself.

export type ModifierKind =
  | 'none' | 'fail-stack-after' | 'foreign-takes-old-slot' | 'create-fails' | 'duplicate' | 'lost-response' | 'provider-timeout'
  | 'redeliver' | 'function-timeout';

/**
 * When a request is delivered again: `during` its first delivery's waiter, `after-answer` (CloudFormation
 * goes on meanwhile: the rollback, the cleanup), `idle` (after the operation ended, before the next),
 * `next-op` (during the next stack operation), `after-next-op` (once the next operation ended).
 */
export type RedeliveryTime = 'during' | 'after-answer' | 'idle' | 'next-op' | 'after-next-op';

export interface Modifier {
  readonly kind: ModifierKind;
  /** duplicate: ms between the two deliveries. redeliver: ms after the moment chosen. */
  readonly gapMs?: number;
  /** lost-response: the operation whose answers are lost after it took effect. */
  readonly operation?: 'CreateEventTracker' | 'DeleteEventTracker' | 'TagResource' | 'UntagResource';
  readonly count?: number;
  /** foreign-takes-old-slot: what of the old tracker's the foreign one takes once it is gone. */
  readonly take?: 'name' | 'group';
  /** redeliver: when, and which of the resource's requests in the operation (its own, the rollback's, the cleanup's). */
  readonly when?: RedeliveryTime;
  readonly request?: number;
  /** duplicate, redeliver: the operation ends without waiting for the other delivery (awaitStragglers: false). */
  readonly spill?: boolean;
}

export function describeModifier(modifier: Modifier): string {
  switch (modifier.kind) {
    case 'none': return '';
    case 'duplicate': return `, delivered twice ${modifier.gapMs} ms apart${modifier.spill ? ' (not awaited)' : ''}`;
    case 'lost-response': return `, ${modifier.count} ${modifier.operation} response(s) lost after taking effect`;
    case 'foreign-takes-old-slot': return `, a later resource fails and someone takes the old ${modifier.take} before the rollback`;
    case 'fail-stack-after': return ', a later resource fails';
    case 'create-fails': return ', the new tracker ends CREATE FAILED';
    case 'provider-timeout': return ', the Provider\'s total timeout passes while the tracker is being created';
    case 'redeliver': return `, request #${modifier.request} delivered again ${modifier.when} (+${modifier.gapMs} ms)${modifier.spill ? ' (not awaited)' : ''}`;
    case 'function-timeout': return ', a Personalize read hangs past the isComplete function\'s Lambda timeout';
  }
}

/** A stale delivery of `type` for `owner` may run meanwhile: the residual. */
export function residual(model: Readonly<Model>, owner: string, type: StaleDelivery['type']): boolean {
  return model.stale.some((stale) => stale.owner === owner && stale.type === type);
}

/** The operation's own request is delivered more than once, and a twin may run a waiter after the answer. */
export function twinsOutliveAnswer(model: Readonly<Model>, modifier: Modifier): boolean {
  return model.waiterPerDelivery && (modifier.kind === 'duplicate' || (modifier.kind === 'redeliver' && (modifier.when === 'during' || modifier.when === 'after-answer')));
}

function residualPrediction(allowed: readonly StackOutcome[], why: string): Prediction {
  return {
    allowed,
    keepsIdentity: [],
    residual: true,
    // The residual of design.md, "What remains": either outcome; no leak and no foreign tracker touched still hold.
    because: `${why}: a stale delivery of the same request type runs while a request of that type runs for the same resource (the documented residual): any outcome is allowed`,
  };
}

const CREATE_OUTCOMES: readonly StackOutcome[] = ['created', 'create-failed', 'create-rollback-failed'];
const UPDATE_OUTCOMES: readonly StackOutcome[] = ['updated', 'update-failed', 'rolled-back', 'rollback-failed'];

// ----------------------------------------------------------------------------------------------
// Creates: a new stack, or a resource added to a live one.

export interface NewResourcePlan {
  readonly logicalId: LogicalId;
  readonly spec: TrackerSpec;
  readonly modifier: Modifier;
}

/**
 * Creating trackers for a new stack, or for a resource added to a live one (`incarnation` is the
 * incarnation the new resources belong to). The first impossible resource fails the operation.
 */
export function predictCreate(
  view: readonly TrackerView[],
  resources: readonly NewResourcePlan[],
  incarnation: number,
  groupArns: readonly string[],
  outcomes: { ok: StackOutcome; failed: StackOutcome; rolledBack: StackOutcome },
): Prediction {
  let open = false;
  const gone: TrackerView[] = [];
  for (const { logicalId, spec, modifier } of resources) {
    const owner = ownerKey(incarnation, logicalId);
    const target = targetOf(spec, groupArns);
    const failed = (because: string): Prediction => ({ allowed: [outcomes.failed], keepsIdentity: [], because: `${logicalId} (${describeSpec(spec)}): ${because}` });
    if (spec.takeOver !== undefined) {
      const named = view.find((t) => t.arn === spec.takeOver);
      const differs = !named ? 'Personalize knows no such tracker'
        : named.name !== spec.name ? `it is named '${named.name}'`
          : named.datasetGroupArn !== target.datasetGroupArn ? `it belongs to ${shortArn(named.datasetGroupArn)}`
            : named.status !== 'ACTIVE' ? `it is ${named.status}`
              : named.holder.kind === 'held' ? `${named.holder.owner} holds it` : undefined;
      if (differs) return failed(`cannot take over ${shortArn(spec.takeOver)}: ${differs}; nothing may change`);
      if (modifier.kind === 'fail-stack-after') return { ...failed(`takes over ${shortArn(named!.arn)}, then a later resource fails`), allowed: [outcomes.rolledBack] };
      if (resources.length === 1) return { allowed: [outcomes.ok], keepsIdentity: [], because: `${logicalId} takes over ${shortArn(named!.arn)}`, adopts: named };
      continue;
    }
    gone.push(...leaving(view, target));
    const inTheWay = blockers(view, target, owner);
    if (inTheWay.length > 0) return failed(`impossible: ${describeTrackers(inTheWay)}`);
    const own = adoptable(view, target, owner);
    if (own && resources.length === 1) {
      // Nothing is created, so neither a CREATE FAILED nor a timeout can happen.
      const allowed: StackOutcome[] = modifier.kind === 'fail-stack-after' ? [outcomes.rolledBack] : [outcomes.ok];
      return orFailingOn({ allowed, keepsIdentity: [], because: `${logicalId} adopts its own kept tracker ${shortArn(own.arn)}`, adopts: own }, gone, outcomes.failed, false);
    }
    if (modifier.kind === 'create-fails') return failed('its new tracker ends CREATE FAILED');
    if (modifier.kind === 'fail-stack-after') return { ...failed('a later resource fails'), allowed: [outcomes.rolledBack] };
    open ||= modifier.kind === 'provider-timeout';
  }
  return orFailingOn(open
    ? { allowed: [outcomes.ok, outcomes.failed], keepsIdentity: [], because: 'the Provider\'s total timeout may pass before the tracker is ACTIVE' }
    : { allowed: [outcomes.ok], keepsIdentity: [], because: 'nothing is in the way' }, gone, outcomes.failed, false);
}

/** What a created resource is, when its Create succeeded. */
export function createdResource(spec: TrackerSpec, adopted: TrackerView | undefined): ResourceModel {
  if (spec.takeOver !== undefined && adopted) {
    return newResource(spec, { takenOver: true, extras: withoutKeys(userTagsOf(adopted.tags), spec.tags) });
  }
  if (adopted?.holder.kind === 'kept') {
    return newResource(spec, { adoptedAgain: true, takenOver: adopted.holder.takenOver });
  }
  return newResource(spec);
}

/**
 * The fate of what a resource's Create brought in when the operation is rolled back (or the Create
 * failed): CloudFormation's rollback Delete carries the Create's properties. `broughtIn`: the tracker
 * it took over or adopted (existed before), else `made`: the trackers its requests created.
 */
export function fatesOfRolledBackCreate(
  owner: string,
  spec: TrackerSpec,
  broughtIn: { tracker: TrackerView; takenOver: boolean; sure: boolean } | undefined,
  made: ReadonlyArray<{ arn: string; name: string; datasetGroupArn: string; failedCreation: boolean }>,
): Fates {
  const kept: KeptTracker[] = [];
  const gone: Fates['gone'] = [];
  const open: Fates['open'] = [];
  if (broughtIn) {
    // It existed before the operation: a rollback keeps it (released), whatever the policy.
    const { arn, name, datasetGroupArn } = broughtIn.tracker;
    const entry = { arn, name, datasetGroupArn, owner, takenOver: broughtIn.takenOver };
    if (broughtIn.sure) kept.push(entry);
    else open.push(entry);
  }
  for (const tracker of made) {
    if (tracker.failedCreation) {
      gone.push({ arn: tracker.arn, why: `${owner}'s tracker ended CREATE FAILED` });
    } else if (keptWhenLeaving(spec, true, { takenOver: false, adoptedAgain: false })) {
      kept.push({ arn: tracker.arn, name: tracker.name, datasetGroupArn: tracker.datasetGroupArn, owner, takenOver: false });
    } else {
      gone.push({ arn: tracker.arn, why: `${owner}'s Create was rolled back under ${spec.policy} (${effectivePolicy(spec)})` });
    }
  }
  return { kept, gone, open };
}

// ----------------------------------------------------------------------------------------------
// Updates.

/** How an update plays out, as the model sees it before it runs. */
export type UpdatePlan =
  /** The resource's tracker is missing or unsure: the outcome is open, and so is what it made. */
  | { readonly kind: 'open' }
  /** Fails before anything is touched. */
  | { readonly kind: 'refused' }
  | { readonly kind: 'in-place' }
  /** A kept tracker of its own exactly as declared is adopted again. */
  | { readonly kind: 'adopt'; readonly tracker: TrackerView }
  /** A new tracker: created first (the old one stays until the cleanup) or after the old one is deleted. */
  | { readonly kind: 'create'; readonly createFirst: boolean };

export interface UpdateContext {
  readonly resource: ResourceModel;
  readonly owner: string;
  readonly currentArn: string | undefined;
  readonly target: TrackerSpec;
  readonly modifier: Modifier;
  readonly groupArns: readonly string[];
  readonly foreignTookOldSlot: boolean;
  /** A read hung past the isComplete function's Lambda timeout, and Lambda ended the invocation: the framework fails the request. */
  readonly functionTimedOut: boolean;
}

export function planUpdate(view: readonly TrackerView[], context: UpdateContext): { plan: UpdatePlan; prediction: Prediction } {
  const { resource, owner, currentArn, target, modifier, groupArns } = context;
  const current = resource.spec;
  if (resource.missing || resource.unsure) {
    // CloudFormation does not know (deleted out of band), or a stale delivery may have acted: the
    // handler may create the tracker again, or fail. Its rollback creates the old one again, which only
    // someone else's tracker under the old name or in the old dataset group makes impossible.
    const oldInTheWay = blockers(view, targetOf(current, groupArns), owner, currentArn);
    const stuck: StackOutcome[] = oldInTheWay.length > 0 || context.foreignTookOldSlot || resource.unsure ? ['rollback-failed'] : [];
    return {
      plan: { kind: 'open' },
      prediction: {
        allowed: ['updated', 'update-failed', 'rolled-back', ...stuck],
        keepsIdentity: [],
        because: `the tracker ${resource.missing ? 'was deleted out of band' : 'is unsure (a stale delivery acted on it, or a rollback failed)'}: `
          + `creating it again or failing are both allowed${stuck.length > 0 ? ', and so is a stuck rollback' : ''}`,
      },
    };
  }
  const addsTakeOver = target.takeOver !== undefined && target.takeOver !== current.takeOver && target.takeOver !== currentArn;
  if (addsTakeOver) {
    return refused(`takeOverEventTrackerArn ${shortArn(target.takeOver!)} is added to a resource that already has a tracker: the update fails before anything is touched`);
  }
  const timedOut: StackOutcome[] = context.functionTimedOut ? ['update-failed'] : [];
  if (target.name === current.name && target.group === current.group) {
    const prediction = modifier.kind === 'fail-stack-after'
      ? { allowed: ['rolled-back' as const], keepsIdentity: ['rolled-back' as const], because: 'an in-place update, then a later resource fails' }
      : { allowed: ['updated' as const, ...timedOut], keepsIdentity: ['updated' as const, ...timedOut], because: `an in-place update (tags, removal policy, take-over)${timedOutBecause(context)}` };
    return { plan: { kind: 'in-place' }, prediction };
  }
  const wanted = targetOf(target, groupArns);
  const inTheWay = blockers(view, wanted, owner, currentArn);
  const gone = leaving(view, wanted, currentArn);
  const withLeaving = (result: { plan: UpdatePlan; prediction: Prediction }) => ({ ...result, prediction: orFailingOn(result.prediction, gone, 'update-failed', true) });
  if (inTheWay.length > 0) {
    return withLeaving(refused(`the replacement is impossible: ${describeTrackers(inTheWay)}; it must fail before anything is touched`));
  }
  const createFirst = target.name !== current.name && target.group !== current.group;
  if (!createFirst && keptWhenReplaced(target, resource)) {
    return withLeaving(refused(`the current tracker is kept (${target.policy}, ${effectivePolicy(target)}${resource.takenOver ? ', taken over' : ''}) and in the way of its replacement: the update fails before anything is touched`));
  }
  const own = adoptable(view, wanted, owner, currentArn);
  if (own) {
    // Nothing is created (no CREATE FAILED, no timeout), and the current tracker is not in the way.
    const because = `the replacement adopts its own kept tracker ${shortArn(own.arn)}`;
    const prediction: Prediction = modifier.kind === 'fail-stack-after' || modifier.kind === 'foreign-takes-old-slot'
      ? { allowed: ['rolled-back'], keepsIdentity: ['rolled-back'], because: `${because}, then a later resource fails` }
      : { allowed: ['updated', ...timedOut], keepsIdentity: timedOut, because: `${because}${timedOutBecause(context)}`, adopts: own };
    return withLeaving({ plan: { kind: 'adopt', tracker: own }, prediction });
  }
  const kept = (outcome: StackOutcome): StackOutcome[] => (createFirst ? [outcome] : []);
  const how = createFirst ? 'create-first replacement (the old tracker stays until the cleanup)' : 'delete-first replacement';
  let prediction: Prediction;
  switch (modifier.kind) {
    case 'fail-stack-after':
      prediction = { allowed: ['rolled-back'], keepsIdentity: kept('rolled-back'), because: `${how}, then a later resource fails` };
      break;
    case 'foreign-takes-old-slot':
      prediction = context.foreignTookOldSlot
        ? { allowed: ['rollback-failed'], keepsIdentity: [], because: `${how}; a foreign tracker took the old ${modifier.take} before the rollback, which is impossible then` }
        : { allowed: ['rolled-back'], keepsIdentity: kept('rolled-back'), because: `${how}, then a later resource fails (the old ${modifier.take} was not free to take)` };
      break;
    case 'create-fails':
      prediction = { allowed: ['update-failed'], keepsIdentity: kept('update-failed'), because: `${how} whose new tracker ends CREATE FAILED` };
      break;
    case 'provider-timeout':
      prediction = { allowed: ['updated', 'update-failed'], keepsIdentity: kept('update-failed'), because: `${how} that may time out in the Provider` };
      break;
    default:
      prediction = { allowed: ['updated', ...timedOut], keepsIdentity: timedOut.flatMap(kept), because: `${how}${timedOutBecause(context)}` };
  }
  return withLeaving({ plan: { kind: 'create', createFirst }, prediction });

  function refused(because: string): { plan: UpdatePlan; prediction: Prediction } {
    return { plan: { kind: 'refused' }, prediction: { allowed: ['update-failed'], keepsIdentity: ['update-failed'], because } };
  }
}

function timedOutBecause(context: UpdateContext): string {
  return context.functionTimedOut ? '; or it fails: an isComplete invocation passed its Lambda timeout, and the framework fails the request then' : '';
}

/** The residual version of a prediction, when a stale delivery of the same type may act on the resource meanwhile. */
export function asResidual(prediction: Prediction, operation: 'create' | 'update'): Prediction {
  return residualPrediction(operation === 'create' ? CREATE_OUTCOMES : UPDATE_OUTCOMES, prediction.because);
}

/** A tracker made during the operation, as the emulator shows it afterwards. */
export interface MadeTracker {
  readonly arn: string;
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly failedCreation: boolean;
}

/**
 * The model after an update of `logicalId` to `target` that ended with `outcome`, and what must be of
 * every tracker it concerned. `heldArn`: the physical id CloudFormation holds now; `made`: trackers
 * created during the operation with the target's name and dataset group; `observedSpec`: the
 * properties CloudFormation holds now.
 */
export function applyUpdate(
  model: Model,
  logicalId: LogicalId,
  context: UpdateContext,
  plan: UpdatePlan,
  prediction: Prediction,
  outcome: StackOutcome,
  observed: { spec: TrackerSpec; heldArn: string | undefined; present: boolean; made: readonly MadeTracker[] },
): Fates {
  const resource = model.resources.get(logicalId)!;
  const before = { ...resource, extras: { ...resource.extras } };
  const { currentArn, target, owner } = context;
  const allowed = prediction.allowed.includes(outcome);
  const madeNotHeld = observed.made.filter((t) => t.arn !== observed.heldArn);
  if (outcome === 'rollback-failed' || prediction.residual || !allowed || plan.kind === 'open') {
    // Open: CloudFormation's record decides the spec; the trackers made and the one it held are open.
    Object.assign(resource, {
      spec: observed.spec,
      missing: !observed.present,
      unsure: outcome !== 'updated' || prediction.residual === true || !allowed || resource.unsure,
      takenOver: observed.heldArn === currentArn && before.takenOver,
      adoptedAgain: observed.heldArn === currentArn && before.adoptedAgain,
      extras: observed.heldArn === currentArn ? withoutKeys(before.extras, target.tags) : {},
    });
    if (outcome === 'rollback-failed') model.phase = 'stuck';
    if (outcome === 'updated' && !prediction.residual && allowed) resource.unsure = false;
    const open = [...madeNotHeld.map((t) => t.arn), ...(currentArn && observed.heldArn !== currentArn ? [currentArn] : [])]
      .map((arn) => ({ arn, owner, takenOver: arn === currentArn && before.takenOver }));
    return { kept: [], gone: [], open };
  }
  // The tags a template declared are the template's from then on: the tracker keeps only the others.
  const extrasOfCurrent = withoutKeys(before.extras, target.tags);
  const stays = () => Object.assign(resource, { extras: extrasOfCurrent });
  const gone = (arn: string | undefined, why: string) => (arn ? [{ arn, why }] : []);
  const keptEntry = (t: { arn: string; name: string; datasetGroupArn: string }, takenOver: boolean): KeptTracker => ({ ...t, owner, takenOver });
  const current = currentArn ? { arn: currentArn, name: before.spec.name, datasetGroupArn: context.groupArns[before.spec.group] } : undefined;
  const neverDeployed = (why: string): Fates['gone'] => madeNotHeld.map((t) => ({ arn: t.arn, why }));

  if (outcome === 'updated') {
    resource.spec = target;
    resource.missing = false;
    resource.unsure = false;
    switch (plan.kind) {
      case 'in-place':
        stays();
        return NO_FATES;
      case 'refused':
        return NO_FATES;
      case 'adopt': {
        const adopted = model.kept.get(plan.tracker.arn);
        Object.assign(resource, { takenOver: adopted?.takenOver ?? false, adoptedAgain: true, extras: {} });
        return replacedFates(plan.tracker.arn);
      }
      case 'create':
        Object.assign(resource, { takenOver: false, adoptedAgain: false, extras: {} });
        return replacedFates(undefined);
    }
  }
  // update-failed or rolled-back: the old properties again.
  switch (plan.kind) {
    case 'in-place':
    case 'refused':
      stays();
      return { kept: [], gone: neverDeployed('made by an update that did not complete'), open: [] };
    case 'adopt':
      // The tracker adopted for the update existed before it: kept again. The original is held again.
      stays();
      return {
        kept: observed.heldArn === plan.tracker.arn ? [] : [keptEntry(plan.tracker, model.kept.get(plan.tracker.arn)?.takenOver ?? false)],
        gone: neverDeployed('made by an update that did not complete'),
        open: [],
      };
    case 'create':
      // Create-first, the original stayed. Delete-first, it went first, unless Lambda ended the request
      // at its timeout before it got there (the hung read is the request's first look).
      if (plan.createFirst || (context.functionTimedOut && observed.heldArn === currentArn && observed.present)) {
        stays();
        return { kept: [], gone: neverDeployed('made by an update that was rolled back or failed: never part of a completed deployment'), open: [] };
      }
      // Delete-first: the original went before the new tracker was made; the rollback made it again.
      Object.assign(resource, { takenOver: false, adoptedAgain: false, extras: {} });
      return {
        kept: [],
        gone: [...gone(current?.arn, 'replaced delete-first by an update, which then failed'), ...neverDeployed('made by an update that was rolled back or failed: never part of a completed deployment')],
        open: [],
      };
  }
  return NO_FATES;

  /** After a successful replacement: the old tracker's fate, from the template deployed. */
  function replacedFates(adoptedArn: string | undefined): Fates {
    const others = neverDeployed('made during the update but not the tracker it answered').filter((t) => t.arn !== adoptedArn);
    if (!current) return { kept: [], gone: others, open: [] };
    if (plan.kind === 'create' && !plan.createFirst) return { kept: [], gone: [...gone(current.arn, 'in the way of its replacement, and not kept'), ...others], open: [] };
    return keptWhenReplaced(target, before)
      ? { kept: [keptEntry(current, before.takenOver)], gone: others, open: [] }
      : { kept: [], gone: [...gone(current.arn, `replaced, and the template deployed (${target.policy}) does not keep it`), ...others], open: [] };
  }
}

// ----------------------------------------------------------------------------------------------
// Tags.

/** The proof and the library's other tags are not the user's. */
export function userTagsOf(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !key.startsWith('cdk-personalize-event-tracker:')));
}

export function withoutKeys(tags: Readonly<Record<string, string>>, declared: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !(key in declared)));
}
