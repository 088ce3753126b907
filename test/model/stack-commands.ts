import {
  CREATE_MODIFIERS, DELETE_MODIFIERS, freeGroups, freeNames, IN_PLACE_MODIFIERS, ModelCommand, modifierKey, pick, resourceAt, SLOW_MODIFIERS,
  SpecChoice, Step, timeoutAllowed, trackerOf,
} from './command';
import {
  DATASET_GROUP_NAMES, describeSpec, LOGICAL_IDS, LogicalId, REMOVAL_CHOICES, RemovalChoice, sameSpec, sameTags, specOf,
  templateProperties, TRACKER_NAMES, TrackerSpec,
} from './declared';
import type { HistoryStats } from './figures';
import { applyFates } from './invariants';
import {
  applyUpdate, asResidual, createdResource, describeModifier, Fates, fatesOfRolledBackCreate, keptWhenLeaving, mergeFates, Model, Modifier,
  NewResourcePlan, newResource, NO_FATES, ownerKey, planUpdate, Prediction, predictCreate, residual, ResourceModel, TrackerView,
  twinsOutliveAnswer,
} from './model';
import { applyModifier, AppliedModifier } from './modifiers';
import type { ResourceSlot, StackOutcome } from './tracker-stack';
import type { World } from './world';

/* The stack operations CloudFormation runs: create, update (add, change, remove a tracker), delete. */

/** A tracker a new resource may take over: made outside the stack, or kept (released) by one, ACTIVE, in one of the dataset groups. */
interface Candidate {
  readonly arn: string;
  readonly name: string;
  readonly group: number;
}

function takeOverCandidates(model: Readonly<Model>, world: World): Candidate[] {
  return world.view(model)
    .filter((t) => (t.holder.kind === 'outside' || t.holder.kind === 'kept') && t.status === 'ACTIVE' && world.groupArns.includes(t.datasetGroupArn))
    .map((t) => ({ arn: t.arn, name: t.name, group: world.groupArns.indexOf(t.datasetGroupArn) }));
}

/**
 * The spec a choice stands for, given the names and dataset groups the rest of the template uses:
 * a take-over of a candidate tracker (its name and group; with `wrongName`, another name, which
 * fails), or a tracker of its own under a free name in a free group.
 */
function resolveChoice(
  choice: SpecChoice, usedNames: readonly string[], usedGroups: readonly number[], candidates: readonly Candidate[], stats: HistoryStats,
): TrackerSpec {
  const fit = candidates.filter((c) => !usedNames.includes(c.name) && !usedGroups.includes(c.group));
  const candidate = choice.takeOver !== undefined ? pick(fit, choice.takeOver) : undefined;
  if (candidate) {
    stats.count(`take-overs declared${choice.wrongName ? ' (with a wrong name)' : ''}`);
    const wrongName = choice.wrongName ? pick(TRACKER_NAMES.filter((n) => n !== candidate.name && !usedNames.includes(n)), choice.name) : undefined;
    // DESTROY cannot go with takeOverEventTrackerArn: the construct refuses it at synth time.
    const policy: RemovalChoice = choice.policy === 'destroy' ? 'default' : choice.policy;
    return { name: wrongName ?? candidate.name, group: candidate.group, tags: choice.tags, policy, takeOver: candidate.arn };
  }
  return {
    name: pick(TRACKER_NAMES.filter((n) => !usedNames.includes(n)), choice.name)!,
    group: pick(DATASET_GROUP_NAMES.map((_, g) => g).filter((g) => !usedGroups.includes(g)), choice.group)!,
    tags: choice.tags,
    policy: choice.policy,
  };
}

/** The first Create of a resource in its slot: answered SUCCESS, FAILED, or never sent. */
function createAnswer(slot: ResourceSlot | undefined): 'success' | 'failed' | 'none' {
  const request = slot?.driver.requests.find((r) => r.RequestType === 'Create');
  if (!slot || !request) return 'none';
  const response = slot.driver.responses.find((r) => r.accepted && r.response.RequestId === request.RequestId);
  return response?.response.Status === 'SUCCESS' ? 'success' : 'failed';
}

function slotOf(world: World, owner: string): ResourceSlot | undefined {
  return world.stack.everyResource.filter((slot) => slot.owner === owner).at(-1);
}

/** Why a take-over cannot happen, or undefined if it can (the model's rule, from the world before the operation). */
function takeOverRefusal(view: readonly TrackerView[], spec: TrackerSpec, groupArns: readonly string[]): string | undefined {
  const named = view.find((t) => t.arn === spec.takeOver);
  if (!named) return 'Personalize knows no such tracker';
  if (named.name !== spec.name || named.datasetGroupArn !== groupArns[spec.group]) return 'its name or dataset group differs';
  if (named.status !== 'ACTIVE') return `it is ${named.status}`;
  if (named.holder.kind === 'held') return `${named.holder.owner} holds it`;
  return undefined;
}

function withTimedOut(prediction: Prediction, applied: AppliedModifier, failed: StackOutcome, keepsIdentity = false): Prediction {
  if (!applied.functionTimedOut() || prediction.allowed.includes(failed)) return prediction;
  return {
    ...prediction,
    allowed: [...prediction.allowed, failed],
    keepsIdentity: keepsIdentity ? [...prediction.keepsIdentity, failed] : prediction.keepsIdentity,
    because: `${prediction.because}; or it fails: an isComplete invocation passed its Lambda timeout, and the framework fails the request then`,
  };
}

/**
 * Trackers made outside the stack that a take-over names leave the foreign trackers that must stay
 * untouched while the operation runs; afterwards, those it did not take, keep or leave open return.
 */
function suspendForeign(world: World, model: Readonly<Model>, specs: readonly TrackerSpec[]): () => void {
  const suspended = specs.flatMap((spec) => {
    const snapshot = spec.takeOver !== undefined ? world.foreign.get(spec.takeOver) : undefined;
    if (snapshot) world.foreign.delete(snapshot.arn);
    return snapshot ? [snapshot] : [];
  });
  return () => {
    const held = world.held();
    for (const snapshot of suspended) {
      if (!held.has(snapshot.arn) && !model.kept.has(snapshot.arn) && !model.open.has(snapshot.arn)) world.foreign.set(snapshot.arn, snapshot);
    }
  };
}

/** What the rollback of a resource's Create leaves of what it brought in (Delete with the Create's properties, rolling back). */
function rolledBackCreateFates(
  world: World, view: readonly TrackerView[], owner: string, spec: TrackerSpec, madeFrom: number, adopts?: TrackerView,
): Fates {
  const slot = slotOf(world, owner);
  const answer = createAnswer(slot);
  let broughtIn: Parameters<typeof fatesOfRolledBackCreate>[2];
  if (spec.takeOver !== undefined) {
    const named = view.find((t) => t.arn === spec.takeOver);
    if (named && answer === 'success') broughtIn = { tracker: named, takenOver: true, sure: true };
    // A take-over that could happen and failed on its way (a timeout) may have tagged it or not.
    else if (named && answer === 'failed' && !takeOverRefusal(view, spec, world.groupArns)) broughtIn = { tracker: named, takenOver: true, sure: false };
  } else if (adopts?.holder.kind === 'kept' && answer !== 'none') {
    // Its own kept tracker, adopted again: whether or not the Create got to tag it, the rollback leaves it released.
    broughtIn = { tracker: adopts, takenOver: adopts.holder.takenOver, sure: true };
  }
  const made = answer === 'none' ? [] : world.madeSince(madeFrom, { name: spec.name, datasetGroupArn: world.groupArns[spec.group] });
  return fatesOfRolledBackCreate(owner, spec, broughtIn, made);
}

function openFates(fates: Fates): Fates {
  return {
    kept: [],
    gone: [],
    open: [...fates.kept.map((k) => ({ arn: k.arn, owner: k.owner, takenOver: k.takenOver })), ...fates.gone.map((g) => ({ arn: g.arn, owner: '?', takenOver: false })), ...fates.open],
  };
}

/** A stack with one to three trackers is created (a new StackId). */
export class CreateStack extends ModelCommand {
  protected readonly kind = 'create stack';
  constructor(private readonly choices: readonly SpecChoice[], private readonly modifier: Modifier, private readonly target: number) {
    super();
  }

  /** Also after a failed create: `cdk deploy` deletes a ROLLBACK_COMPLETE stack (nothing left in it) and creates it anew. */
  public check(model: Readonly<Model>): boolean {
    return (model.phase === 'absent' || model.phase === 'rolled-back') && CREATE_MODIFIERS.includes(this.modifier.kind) && timeoutAllowed(model, this.modifier);
  }

  protected async execute(model: Model, world: World): Promise<Step> {
    if (model.phase === 'rolled-back' && await world.stack.delete() !== 'deleted') throw new Error('a ROLLBACK_COMPLETE stack could not be deleted');
    const candidates = takeOverCandidates(model, world);
    const specs: TrackerSpec[] = [];
    for (const choice of this.choices) {
      const free = candidates.filter((c) => !specs.some((s) => s.takeOver === c.arn));
      specs.push(resolveChoice(choice, specs.map((s) => s.name), specs.map((s) => s.group), free, world.stats));
    }
    const resources = specs.map((spec, i) => ({ logicalId: LOGICAL_IDS[i], spec }));
    const targetIndex = this.target % resources.length;
    if (SLOW_MODIFIERS.includes(this.modifier.kind)) model.timeoutsLeft--;
    const view = world.view(model);
    const madeFrom = world.emulator.now();
    const restoreForeign = suspendForeign(world, model, specs);
    world.operationStarts(model);
    const applied = applyModifier(world, model, this.modifier, { newName: resources[targetIndex].spec.name });
    let outcome: StackOutcome;
    try {
      outcome = await world.stack.create(resources.map((r, i) => ({
        logicalId: r.logicalId,
        properties: templateProperties(r.spec, world.groupArns),
        hooks: i === targetIndex ? applied.hooks : undefined,
      })));
    } finally {
      world.operationEnded(model);
      applied.cleanup();
    }
    const plans: NewResourcePlan[] = resources.map((r, i) => ({ ...r, modifier: i === targetIndex ? this.modifier : { kind: 'none' } }));
    const incarnation = world.stack.incarnation;
    const prediction = withTimedOut(predictCreate(view, plans, incarnation, world.groupArns, { ok: 'created', failed: 'create-failed', rolledBack: 'create-failed' }),
      applied, 'create-failed');
    model.incarnation = incarnation;
    model.resources.clear();
    let fates: Fates = NO_FATES;
    if (outcome === 'created') {
      model.phase = 'live';
      for (const r of resources) {
        const takenOver = r.spec.takeOver !== undefined ? view.find((t) => t.arn === r.spec.takeOver) : undefined;
        model.resources.set(r.logicalId, createdResource(r.spec, takenOver));
      }
    } else {
      model.phase = outcome === 'create-failed' ? 'rolled-back' : 'stuck';
      fates = mergeFates(...resources.map((r) => rolledBackCreateFates(world, view, ownerKey(incarnation, r.logicalId), r.spec, madeFrom)));
      if (outcome !== 'create-failed') fates = openFates(fates);
      for (const [logicalId, slot] of world.stack.resources) {
        model.resources.set(logicalId, newResource(specOf(slot.driver.properties!, world.groupArns), { unsure: true }));
      }
    }
    applyFates(world, model, fates);
    restoreForeign();
    const description = `create stack #${model.incarnation}: ${resources.map((r) => `${r.logicalId}=${describeSpec(r.spec)}`).join(', ')}`
      + `${this.modifier.kind === 'none' ? '' : ` [${resources[targetIndex].logicalId}${describeModifier(this.modifier)}]`}`;
    return { description, prediction, outcome, budget: world.quiet && world.faultFree && this.modifier.kind === 'none' };
  }

  public toString(): string {
    return `CreateStack(${JSON.stringify(this.choices)},${modifierKey(this.modifier)},${this.target})`;
  }
}

/** An update of the template adds a tracker to the live stack (its own, or one it takes over). */
export class AddTracker extends ModelCommand {
  protected readonly kind = 'add tracker';
  constructor(private readonly choice: SpecChoice, private readonly modifier: Modifier) {
    super();
  }

  public check(model: Readonly<Model>): boolean {
    return model.phase === 'live' && model.resources.size < LOGICAL_IDS.length && CREATE_MODIFIERS.includes(this.modifier.kind)
      && timeoutAllowed(model, this.modifier);
  }

  protected async execute(model: Model, world: World): Promise<Step> {
    const logicalId = LOGICAL_IDS.find((id) => !model.resources.has(id))!;
    const owner = ownerKey(model.incarnation, logicalId);
    const others = [...model.resources.values()].map((r) => r.spec);
    const spec = resolveChoice(this.choice, others.map((s) => s.name), others.map((s) => s.group), takeOverCandidates(model, world), world.stats);
    if (SLOW_MODIFIERS.includes(this.modifier.kind)) model.timeoutsLeft--;
    const view = world.view(model);
    const madeFrom = world.emulator.now();
    const restoreForeign = suspendForeign(world, model, [spec]);
    world.operationStarts(model);
    const stale = residual(model, owner, 'Create');
    const applied = applyModifier(world, model, this.modifier, { newName: spec.name });
    let outcome: StackOutcome;
    try {
      outcome = await world.stack.add(logicalId, templateProperties(spec, world.groupArns), applied.hooks);
    } finally {
      world.operationEnded(model);
      applied.cleanup();
    }
    let prediction = withTimedOut(predictCreate(view, [{ logicalId, spec, modifier: this.modifier }], model.incarnation, world.groupArns,
      { ok: 'updated', failed: 'update-failed', rolledBack: 'rolled-back' }), applied, 'update-failed');
    // The documented residual (design.md, "What remains"): a stale Create of this resource may run meanwhile.
    // Any outcome is allowed and what it leaves of this resource is open; no leak and foreign-untouched still hold.
    if (stale) prediction = asResidual(prediction, 'update');
    let fates: Fates = NO_FATES;
    if (outcome === 'updated' && !prediction.residual) {
      model.resources.set(logicalId, createdResource(spec, prediction.adopts));
    } else if (outcome === 'updated' || world.stack.resources.has(logicalId)) {
      // Held, but open (the residual), or a stuck rollback.
      model.resources.set(logicalId, newResource(specOf(world.stack.resource(logicalId).driver.properties!, world.groupArns), { unsure: true }));
    }
    if (outcome !== 'updated') {
      fates = rolledBackCreateFates(world, view, owner, spec, madeFrom, prediction.adopts);
      if (outcome === 'rollback-failed' || prediction.residual) fates = openFates(fates);
    }
    if (outcome === 'rollback-failed') model.phase = 'stuck';
    applyFates(world, model, fates);
    restoreForeign();
    return {
      description: `add ${logicalId}=${describeSpec(spec)}${describeModifier(this.modifier)}`,
      prediction,
      outcome,
      resource: logicalId,
      budget: world.quiet && world.faultFree && this.modifier.kind === 'none',
    };
  }

  public toString(): string {
    return `AddTracker(${JSON.stringify(this.choice)},${modifierKey(this.modifier)})`;
  }
}

/** What an update changes: any of name, dataset group, tags and removal policy at once, and the take-over. */
export interface ChangeSet {
  readonly name: boolean;
  readonly group: boolean;
  readonly tags: boolean;
  readonly policy: boolean;
  /** keep: as it is; drop: remove takeOverEventTrackerArn (leaving the take-over); add: name another tracker (refused). */
  readonly takeOver: 'keep' | 'drop' | 'add';
}

/** An update of one tracker's properties. */
export class UpdateTracker extends ModelCommand {
  protected readonly kind = 'update';
  constructor(
    private readonly changes: ChangeSet,
    private readonly resource: number,
    private readonly choice: SpecChoice,
    private readonly modifier: Modifier,
  ) {
    super();
  }

  /** What the update changes, as resolved against the model. */
  protected kindNow(model: Readonly<Model>): string {
    const resolved = this.resolve(model);
    if (!resolved) return this.kind;
    const { current: c, target: t } = resolved;
    const takeOver = c.takeOver === t.takeOver ? undefined : t.takeOver === undefined ? 'leave take-over' : 'add take-over';
    const what = [c.name !== t.name && 'name', c.group !== t.group && 'group', !sameTags(c.tags, t.tags) && 'tags', c.policy !== t.policy && 'policy', takeOver];
    return `update: ${what.filter(Boolean).join('+')}`;
  }

  public check(model: Readonly<Model>): boolean {
    if (model.phase !== 'live' || !timeoutAllowed(model, this.modifier)) return false;
    const resolved = this.resolve(model);
    if (!resolved) return false;
    const replacement = resolved.target.name !== resolved.current.name || resolved.target.group !== resolved.current.group;
    if (replacement) return true;
    // In place, nothing is created: only what can happen to an update that creates nothing (unless the tracker is gone).
    if (this.modifier.kind === 'foreign-takes-old-slot') return false;
    return resolved.resource.missing || resolved.resource.unsure || IN_PLACE_MODIFIERS.includes(this.modifier.kind);
  }

  protected async execute(model: Model, world: World): Promise<Step> {
    const { logicalId, resource, current, target } = this.resolve(model)!;
    const owner = ownerKey(model.incarnation, logicalId);
    const driver = world.stack.resource(logicalId).driver;
    const currentArn = driver.physicalResourceId;
    const tracker = trackerOf(world, currentArn);
    const before = tracker && { arn: tracker.arn, trackingId: tracker.trackingId };
    if (SLOW_MODIFIERS.includes(this.modifier.kind)) model.timeoutsLeft--;
    const view = world.view(model);
    const madeFrom = world.emulator.now();
    const requestsBefore = driver.requests.length;
    const frozen: ResourceModel = { ...resource, extras: { ...resource.extras } };
    world.operationStarts(model);
    const stale = residual(model, owner, 'Update');
    const applied = applyModifier(world, model, this.modifier, { newName: target.name, old: current });
    let outcome: StackOutcome;
    try {
      outcome = await world.stack.update(logicalId, templateProperties(target, world.groupArns), applied.hooks);
    } finally {
      world.operationEnded(model);
      applied.cleanup();
    }
    const context = {
      resource: frozen,
      owner,
      currentArn,
      target,
      modifier: this.modifier,
      groupArns: world.groupArns,
      foreignTookOldSlot: applied.foreignTookOldSlot(),
      functionTimedOut: applied.functionTimedOut(),
    };
    let { plan, prediction } = planUpdate(view, context);
    // A twin of the update still running while CloudFormation's rollback (an Update of the same resource) runs: the residual.
    const rolledBack = driver.requests.slice(requestsBefore).filter((r) => r.RequestType === 'Update').length > 1;
    // The documented residual (design.md, "What remains"): a stale Update of this resource (a redelivery
    // from before, or a twin of this one still running while CloudFormation's rollback Update runs) may
    // act meanwhile. Any outcome is allowed and the resource's trackers are open; no leak and
    // foreign-untouched still hold. A stale delivery of another type, or of another resource, is not
    // the residual: it must change nothing.
    if (stale || (rolledBack && twinsOutliveAnswer(model, this.modifier))) prediction = asResidual(prediction, 'update');
    const heldArn = driver.physicalResourceId;
    const fates = applyUpdate(model, logicalId, context, plan, prediction, outcome, {
      spec: specOf(driver.properties!, world.groupArns),
      heldArn,
      present: trackerOf(world, heldArn) !== undefined,
      made: world.madeSince(madeFrom, { name: target.name, datasetGroupArn: world.groupArns[target.group] }),
    });
    applyFates(world, model, fates);
    return {
      description: `update ${logicalId}: ${describeSpec(current)} => ${describeSpec(target)}`
        + `${frozen.missing ? ' (its tracker was deleted out of band)' : frozen.unsure ? ' (its tracker is unsure)' : ''}${describeModifier(this.modifier)}`,
      prediction,
      outcome,
      resource: logicalId,
      before,
      budget: false,
    };
  }

  private resolve(model: Readonly<Model>): { logicalId: LogicalId; resource: ResourceModel; current: TrackerSpec; target: TrackerSpec } | undefined {
    const logicalId = resourceAt(model, this.resource);
    if (!logicalId) return undefined;
    const resource = model.resources.get(logicalId)!;
    const current = resource.spec;
    const { choice, changes } = this;
    let target: TrackerSpec = { ...current };
    if (changes.name) {
      const name = pick(freeNames(model, logicalId).filter((n) => n !== current.name), choice.name);
      if (name === undefined) return undefined;
      target = { ...target, name };
    }
    if (changes.group) {
      const group = pick(freeGroups(model, logicalId).filter((g) => g !== current.group), choice.group);
      if (group === undefined) return undefined;
      target = { ...target, group };
    }
    if (changes.tags) {
      // Drawn tags equal to the current ones would be no change: then the tags go (or one comes).
      const unchanged = sameTags(choice.tags, current.tags);
      target = { ...target, tags: !unchanged ? choice.tags : Object.keys(current.tags).length > 0 ? {} : { team: 'a' } };
    }
    if (changes.takeOver === 'drop' && current.takeOver !== undefined) {
      // Leaving the take-over: the resource keeps its tracker, as an ordinary one from now on.
      const { takeOver: _dropped, ...rest } = target;
      target = rest;
    }
    if (changes.takeOver === 'add') {
      // Naming a tracker to take over for a resource that already has one: the update is refused.
      const arn = pick([...model.kept.keys(), ...model.outside.keys()].filter((a) => a !== current.takeOver), choice.takeOver ?? choice.name);
      if (arn !== undefined) target = { ...target, takeOver: arn };
    }
    if (changes.policy) {
      const others = REMOVAL_CHOICES.filter((p) => p !== current.policy && !(p === 'destroy' && target.takeOver !== undefined));
      target = { ...target, policy: pick(others, REMOVAL_CHOICES.indexOf(choice.policy))! };
    }
    // DESTROY cannot go with takeOverEventTrackerArn: the construct refuses it at synth time.
    if (target.takeOver !== undefined && target.policy === 'destroy') target = { ...target, policy: 'default' };
    if (sameSpec(target, current)) return undefined;
    return { logicalId, resource, current, target };
  }

  public toString(): string {
    return `UpdateTracker(${JSON.stringify(this.changes)},${this.resource},${JSON.stringify(this.choice)},${modifierKey(this.modifier)})`;
  }
}

/** What a Delete (not rolling back) leaves of the tracker a resource holds. */
function leavingFates(
  resource: ResourceModel, arn: string | undefined, owner: string, where: { name: string; datasetGroupArn: string }, open: boolean,
): Fates {
  if (!arn || resource.missing) return NO_FATES;
  if (open || resource.unsure) return { kept: [], gone: [], open: [{ arn, owner, takenOver: resource.takenOver }] };
  return keptWhenLeaving(resource.spec, false, resource)
    ? { kept: [{ arn, ...where, owner, takenOver: resource.takenOver }], gone: [], open: [] }
    : { kept: [], gone: [{ arn, why: `${owner} left the stack under ${resource.spec.policy}${resource.takenOver ? ' (taken over)' : ''}${resource.adoptedAgain ? ' (adopted again)' : ''}` }], open: [] };
}

/** An update of the template removes a tracker: CloudFormation deletes it in the cleanup phase. */
export class RemoveTracker extends ModelCommand {
  protected readonly kind = 'remove tracker';
  constructor(private readonly resource: number, private readonly modifier: Modifier) {
    super();
  }

  public check(model: Readonly<Model>): boolean {
    return model.phase === 'live' && model.resources.size > 1 && DELETE_MODIFIERS.includes(this.modifier.kind) && timeoutAllowed(model, this.modifier);
  }

  protected async execute(model: Model, world: World): Promise<Step> {
    const logicalId = resourceAt(model, this.resource)!;
    const owner = ownerKey(model.incarnation, logicalId);
    const resource = model.resources.get(logicalId)!;
    const arn = world.stack.resource(logicalId).driver.physicalResourceId;
    const tracker = trackerOf(world, arn);
    if (SLOW_MODIFIERS.includes(this.modifier.kind)) model.timeoutsLeft--;
    world.operationStarts(model);
    const stale = residual(model, owner, 'Delete');
    const applied = applyModifier(world, model, this.modifier, {});
    let outcome: StackOutcome;
    try {
      outcome = await world.stack.remove(logicalId, applied.hooks);
    } finally {
      world.operationEnded(model);
      applied.cleanup();
    }
    let prediction = withTimedOut({ allowed: ['updated'], keepsIdentity: [], because: 'deleting a tracker of its own is always possible' }, applied, 'delete-failed');
    // The documented residual: a stale Delete of this resource may run meanwhile (any outcome; no leak still holds).
    if (stale) prediction = { ...asResidual(prediction, 'update'), allowed: ['updated', 'delete-failed'] };
    if (outcome === 'updated') {
      model.resources.delete(logicalId);
      const where = { name: tracker?.name ?? resource.spec.name, datasetGroupArn: tracker?.datasetGroupArn ?? world.groupArns[resource.spec.group] };
      applyFates(world, model, leavingFates(resource, arn, owner, where, stale));
    } else if (stale) {
      resource.unsure = true;
    }
    return {
      description: `remove ${logicalId} (${describeSpec(resource.spec)}) from the template${describeModifier(this.modifier)}`,
      prediction,
      outcome,
      budget: false,
    };
  }

  public toString(): string {
    return `RemoveTracker(${this.resource},${modifierKey(this.modifier)})`;
  }
}

/** The stack is deleted. */
export class DeleteStack extends ModelCommand {
  protected readonly kind = 'delete stack';
  constructor(private readonly modifier: Modifier) {
    super();
  }

  public check(model: Readonly<Model>): boolean {
    return model.phase !== 'absent' && DELETE_MODIFIERS.includes(this.modifier.kind) && timeoutAllowed(model, this.modifier);
  }

  protected async execute(model: Model, world: World): Promise<Step> {
    const first = [...world.stack.resources.keys()].pop();
    const leaving = [...world.stack.resources].map(([logicalId, slot]) => ({
      logicalId,
      owner: slot.owner,
      arn: slot.driver.physicalResourceId,
      tracker: trackerOf(world, slot.driver.physicalResourceId),
      resource: model.resources.get(logicalId),
    }));
    if (SLOW_MODIFIERS.includes(this.modifier.kind) && first !== undefined) model.timeoutsLeft--;
    world.operationStarts(model);
    const stale = leaving.some((l) => residual(model, l.owner, 'Delete'));
    const applied = applyModifier(world, model, first !== undefined ? this.modifier : { kind: 'none' }, {});
    let outcome: StackOutcome;
    try {
      outcome = await world.stack.delete(first !== undefined ? { [first]: applied.hooks } : {});
    } finally {
      world.operationEnded(model);
      applied.cleanup();
    }
    let prediction = withTimedOut({ allowed: ['deleted'], keepsIdentity: [], because: 'deleting the stack\'s own trackers is always possible' }, applied, 'delete-failed');
    // The documented residual: a stale Delete of a resource being deleted may run meanwhile (any outcome; no leak still holds).
    if (stale) prediction = { ...asResidual(prediction, 'update'), allowed: ['deleted', 'delete-failed'] };
    const wasPhase = model.phase;
    for (const l of leaving.filter((x) => !world.stack.resources.has(x.logicalId))) {
      if (!l.resource) continue;
      const spec = l.resource.spec;
      const where = { name: l.tracker?.name ?? spec.name, datasetGroupArn: l.tracker?.datasetGroupArn ?? world.groupArns[spec.group] };
      applyFates(world, model, leavingFates(l.resource, l.arn, l.owner, where, stale));
      model.resources.delete(l.logicalId as LogicalId);
    }
    if (outcome === 'deleted') {
      model.phase = 'absent';
      model.resources.clear();
    } else {
      model.phase = 'stuck';
      if (stale) model.resources.forEach((r) => { r.unsure = true; });
    }
    return {
      description: `delete stack #${model.incarnation} (was ${wasPhase})${first ? describeModifier(this.modifier) : ''}`,
      prediction,
      outcome,
      budget: false,
    };
  }

  public toString(): string {
    return `DeleteStack(${modifierKey(this.modifier)})`;
  }
}

