import {
  CREATE_MODIFIERS, freeGroups, freeNames, IN_PLACE_MODIFIERS, ModelCommand, modifierKey, pick, resourceAt, SpecChoice, Step,
  timeoutAllowed, trackerOf,
} from './command';
import {
  DATASET_GROUP_NAMES, describeSpec, LOGICAL_IDS, LogicalId, sameTags, specOf, templateProperties, TRACKER_NAMES, TrackerSpec,
} from './declared';
import {
  applyUpdate, describeModifier, Model, Modifier, ownerKey, Prediction, predictCreate, predictUpdate, ResourceModel,
} from './model';
import { applyModifier } from './modifiers';
import type { StackOutcome } from './tracker-stack';
import type { World } from './world';

/* The stack operations CloudFormation runs: create, update (add, change, remove a tracker), delete. */

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
    const names: string[] = [];
    const groups: number[] = [];
    const resources = this.choices.map((choice, i) => {
      const name = pick(TRACKER_NAMES.filter((n) => !names.includes(n)), choice.name)!;
      const group = pick(DATASET_GROUP_NAMES.map((_, g) => g).filter((g) => !groups.includes(g)), choice.group)!;
      names.push(name);
      groups.push(group);
      return { logicalId: LOGICAL_IDS[i], spec: { name, group, tags: choice.tags, retain: choice.retain } };
    });
    const targetIndex = this.target % resources.length;
    if (this.modifier.kind === 'provider-timeout') model.timeoutsLeft--;
    const view = world.view();
    const applied = applyModifier(world, this.modifier, { newName: resources[targetIndex].spec.name });
    let outcome: StackOutcome;
    try {
      outcome = await world.stack.create(resources.map((r, i) => ({
        logicalId: r.logicalId,
        properties: templateProperties(r.spec, world.groupArns),
        retain: r.spec.retain,
        hooks: i === targetIndex ? applied.hooks : undefined,
      })));
    } finally {
      applied.cleanup();
    }
    const prediction = predictCreate(view, resources.map((r, i) => ({ ...r, modifier: i === targetIndex ? this.modifier : { kind: 'none' } })),
      model.incarnation + 1, world.groupArns, { ok: 'created', failed: 'create-failed' });
    model.incarnation = world.stack.incarnation;
    model.resources.clear();
    if (outcome === 'created') {
      model.phase = 'live';
      for (const r of resources) model.resources.set(r.logicalId, { spec: r.spec, missing: false });
    } else {
      model.phase = outcome === 'create-failed' ? 'rolled-back' : 'stuck';
      for (const [logicalId, slot] of world.stack.resources) {
        model.resources.set(logicalId, { spec: specOf(slot.driver.properties!, world.groupArns), missing: false });
      }
    }
    const description = `create stack #${model.incarnation}: ${resources.map((r) => `${r.logicalId}=${describeSpec(r.spec)}`).join(', ')}`
      + `${this.modifier.kind === 'none' ? '' : ` [${resources[targetIndex].logicalId}${describeModifier(this.modifier)}]`}`;
    return { description, prediction, outcome, budget: world.faultFree && this.modifier.kind === 'none' };
  }

  public toString(): string {
    return `CreateStack(${JSON.stringify(this.choices)},${modifierKey(this.modifier)},${this.target})`;
  }
}

/** An update of the template adds a tracker to the live stack. */
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
    const spec: TrackerSpec = {
      name: pick(freeNames(model), this.choice.name)!,
      group: pick(freeGroups(model), this.choice.group)!,
      tags: this.choice.tags,
      retain: this.choice.retain,
    };
    if (this.modifier.kind === 'provider-timeout') model.timeoutsLeft--;
    const view = world.view();
    const applied = applyModifier(world, this.modifier, { newName: spec.name });
    let outcome: StackOutcome;
    try {
      outcome = await world.stack.add(logicalId, templateProperties(spec, world.groupArns), spec.retain, applied.hooks);
    } finally {
      applied.cleanup();
    }
    const prediction = predictCreate(view, [{ logicalId, spec, modifier: this.modifier }], model.incarnation, world.groupArns, { ok: 'updated', failed: 'update-failed' });
    if (outcome === 'updated' || world.stack.resources.has(logicalId)) {
      model.resources.set(logicalId, { spec, missing: false });
    }
    if (outcome === 'rollback-failed') model.phase = 'stuck';
    return {
      description: `add ${logicalId}=${describeSpec(spec)}${describeModifier(this.modifier)}`,
      prediction,
      outcome,
      resource: logicalId,
      budget: world.faultFree && this.modifier.kind === 'none',
    };
  }

  public toString(): string {
    return `AddTracker(${JSON.stringify(this.choice)},${modifierKey(this.modifier)})`;
  }
}

export type Change = 'tags' | 'rename' | 'move' | 'move-rename' | 'policy';

/** An update of one tracker's properties: tags, name, dataset group, both, or its removal policy. */
export class UpdateTracker extends ModelCommand {
  protected readonly kind: string;
  constructor(
    private readonly change: Change,
    private readonly resource: number,
    private readonly choice: SpecChoice,
    private readonly modifier: Modifier,
  ) {
    super();
    this.kind = `update: ${change}`;
  }

  public check(model: Readonly<Model>): boolean {
    if (model.phase !== 'live') return false;
    const resolved = this.resolve(model);
    if (!resolved) return false;
    const { current, target, resource } = resolved;
    const inPlace = target.name === current.name && target.group === current.group;
    if (inPlace) return IN_PLACE_MODIFIERS.includes(this.modifier.kind);
    if (this.modifier.kind === 'provider-timeout') {
      return this.change === 'move-rename' && !resource.missing && timeoutAllowed(model, this.modifier);
    }
    return this.modifier.kind !== 'foreign-takes-old-slot' || this.change === 'rename' || this.change === 'move';
  }

  protected async execute(model: Model, world: World): Promise<Step> {
    const { logicalId, resource, current, target } = this.resolve(model)!;
    const driver = world.stack.resource(logicalId).driver;
    const currentArn = driver.physicalResourceId;
    const tracker = trackerOf(world, currentArn);
    const before = tracker && { arn: tracker.arn, trackingId: tracker.trackingId };
    if (this.modifier.kind === 'provider-timeout') model.timeoutsLeft--;
    const view = world.view();
    const frozenResource: ResourceModel = { spec: resource.spec, missing: resource.missing };
    const applied = applyModifier(world, this.modifier, { newName: target.name, old: current });
    let outcome: StackOutcome;
    try {
      outcome = await world.stack.update(logicalId, templateProperties(target, world.groupArns), target.retain, applied.hooks);
    } finally {
      applied.cleanup();
    }
    const prediction: Prediction = predictUpdate(view, frozenResource, ownerKey(model.incarnation, logicalId), currentArn, target, this.modifier,
      world.groupArns, applied.foreignTookOldSlot());
    const observed = { spec: specOf(driver.properties!, world.groupArns), present: trackerOf(world, driver.physicalResourceId) !== undefined };
    applyUpdate(model, logicalId, target, outcome, observed);
    return {
      description: `update ${logicalId}: ${this.change} ${describeSpec(current)} => ${describeSpec(target)}`
        + `${frozenResource.missing ? ' (its tracker was deleted out of band)' : ''}${describeModifier(this.modifier)}`,
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
    const otherName = () => pick(freeNames(model, logicalId).filter((n) => n !== current.name), this.choice.name);
    const otherGroup = () => pick(freeGroups(model, logicalId).filter((g) => g !== current.group), this.choice.group);
    let target: TrackerSpec | undefined;
    switch (this.change) {
      case 'tags': {
        // Drawn tags equal to the current ones would be no change: then the tags go (or one comes).
        const unchanged = sameTags(this.choice.tags, current.tags);
        target = { ...current, tags: !unchanged ? this.choice.tags : Object.keys(current.tags).length > 0 ? {} : { team: 'a' } };
        break;
      }
      case 'policy':
        target = { ...current, retain: !current.retain };
        break;
      case 'rename': {
        const name = otherName();
        target = name === undefined ? undefined : { ...current, name };
        break;
      }
      case 'move': {
        const group = otherGroup();
        target = group === undefined ? undefined : { ...current, group };
        break;
      }
      case 'move-rename': {
        const name = otherName();
        const group = otherGroup();
        target = name === undefined || group === undefined ? undefined : { ...current, name, group };
        break;
      }
    }
    return target && { logicalId, resource, current, target };
  }

  public toString(): string {
    return `UpdateTracker(${this.change},${this.resource},${JSON.stringify(this.choice)},${modifierKey(this.modifier)})`;
  }
}

/** An update of the template removes a tracker: CloudFormation deletes it in the cleanup phase. */
export class RemoveTracker extends ModelCommand {
  protected readonly kind = 'remove tracker';
  constructor(private readonly resource: number) {
    super();
  }

  public check(model: Readonly<Model>): boolean {
    return model.phase === 'live' && model.resources.size > 1;
  }

  protected async execute(model: Model, world: World): Promise<Step> {
    const logicalId = resourceAt(model, this.resource)!;
    const spec = model.resources.get(logicalId)!.spec;
    const outcome = await world.stack.remove(logicalId);
    if (outcome === 'updated') model.resources.delete(logicalId);
    return {
      description: `remove ${logicalId} (${describeSpec(spec)}) from the template`,
      prediction: { allowed: ['updated'], keepsIdentity: [], because: 'deleting a tracker of ours is always possible' },
      outcome,
      budget: false,
    };
  }

  public toString(): string {
    return `RemoveTracker(${this.resource})`;
  }
}

/** The stack is deleted. */
export class DeleteStack extends ModelCommand {
  protected readonly kind = 'delete stack';
  constructor(private readonly modifier: Modifier) {
    super();
  }

  public check(model: Readonly<Model>): boolean {
    return model.phase !== 'absent' && ['none', 'duplicate', 'lost-response'].includes(this.modifier.kind);
  }

  protected async execute(model: Model, world: World): Promise<Step> {
    const first = [...world.stack.resources.keys()].pop();
    const applied = applyModifier(world, this.modifier, {});
    let outcome: StackOutcome;
    try {
      outcome = await world.stack.delete(first !== undefined ? { [first]: applied.hooks } : {});
    } finally {
      applied.cleanup();
    }
    const wasPhase = model.phase;
    if (outcome === 'deleted') {
      model.phase = 'absent';
      model.resources.clear();
    } else {
      model.phase = 'stuck';
    }
    return {
      description: `delete stack #${model.incarnation} (was ${wasPhase})${first ? describeModifier(this.modifier) : ''}`,
      prediction: { allowed: ['deleted'], keepsIdentity: [], because: 'deleting the stack\'s own trackers is always possible' },
      outcome,
      budget: false,
    };
  }

  public toString(): string {
    return `DeleteStack(${modifierKey(this.modifier)})`;
  }
}
