import type * as fc from 'fast-check';
import { DATASET_GROUP_NAMES, LogicalId, RemovalChoice, TRACKER_NAMES, TrackerSpec } from './declared';
import { checkInvariants, StepRecord } from './invariants';
import type { Model, Modifier, ModifierKind } from './model';
import type { World } from './world';

/** Indices the generator draws; commands resolve them against the model when they run. */
export interface SpecChoice {
  readonly name: number;
  readonly group: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly policy: RemovalChoice;
  /** Take over a tracker made outside the stack (the n-th candidate), if there is one. */
  readonly takeOver?: number;
  /** A take-over that names another eventTrackerName than the tracker's: refused, nothing changes. */
  readonly wrongName?: boolean;
}

export const IN_PLACE_MODIFIERS: readonly ModifierKind[] = ['none', 'fail-stack-after', 'duplicate', 'lost-response', 'redeliver', 'function-timeout'];
export const CREATE_MODIFIERS: readonly ModifierKind[] = [
  'none', 'fail-stack-after', 'create-fails', 'duplicate', 'lost-response', 'provider-timeout', 'redeliver', 'function-timeout',
];
export const DELETE_MODIFIERS: readonly ModifierKind[] = ['none', 'duplicate', 'lost-response', 'redeliver', 'function-timeout'];
/** Modifiers that cost a Lambda or Provider timeout of wall time (12 s each). */
export const SLOW_MODIFIERS: readonly ModifierKind[] = ['provider-timeout', 'function-timeout'];

export type Step = Omit<StepRecord, 'startedAt'> & { readonly description: string };

/** One step of a history: runs against the world, moves the model on, then checks every invariant. */
export abstract class ModelCommand implements fc.AsyncCommand<Model, World> {
  protected abstract readonly kind: string;

  public abstract check(model: Readonly<Model>): boolean;

  public async run(model: Model, world: World): Promise<void> {
    const startedAt = Date.now();
    world.stats.step(this.kindNow(model));
    let step: Step | undefined;
    // Deliveries an earlier operation did not wait for run on during this step; they are waited for at its end.
    world.quiet = !world.spilled && world.pending.length === 0;
    world.spilled = false;
    try {
      step = await this.execute(model, world);
      // Deliveries this step's operation did not wait for run on into the next step: the world settles then.
      const settled = !world.spilled;
      if (settled) await world.settle();
      const took = ((Date.now() - startedAt) / 1000).toFixed(1);
      world.transcript.push(`${step.description}${step.outcome ? `  ->  ${step.outcome} (${world.stack.status})` : ''}${settled ? '' : '  [deliveries still running]'}  [${took} s]`);
      checkInvariants(world, model, { ...step, startedAt }, world.skip, settled);
    } catch (error) {
      if (!step) world.transcript.push(`${this.toString()}  ->  threw`);
      throw error;
    }
  }

  protected abstract execute(model: Model, world: World): Promise<Step>;

  /** What the figures count this step as. */
  protected kindNow(_model: Readonly<Model>): string {
    return this.kind;
  }

  public abstract toString(): string;
}

export function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

export function declared(model: Readonly<Model>, except?: LogicalId): TrackerSpec[] {
  return [...model.resources].filter(([id]) => id !== except).map(([, resource]) => resource.spec);
}

export function freeNames(model: Readonly<Model>, except?: LogicalId): string[] {
  const taken = declared(model, except).map((spec) => spec.name);
  return TRACKER_NAMES.filter((name) => !taken.includes(name));
}

export function freeGroups(model: Readonly<Model>, except?: LogicalId): number[] {
  const taken = declared(model, except).map((spec) => spec.group);
  return DATASET_GROUP_NAMES.map((_, i) => i).filter((group) => !taken.includes(group));
}

export function resourceAt(model: Readonly<Model>, index: number): LogicalId | undefined {
  return pick([...model.resources.keys()].sort(), index);
}

export function timeoutAllowed(model: Readonly<Model>, modifier: Modifier): boolean {
  return !SLOW_MODIFIERS.includes(modifier.kind) || model.timeoutsLeft > 0;
}

export function trackerOf(world: World, arn: string | undefined) {
  return world.emulator.trackers().find((t) => t.arn === arn);
}

export function modifierKey(modifier: Modifier): string {
  return [
    modifier.kind,
    modifier.gapMs !== undefined ? `${modifier.gapMs}ms` : '',
    modifier.operation ? `${modifier.operation}x${modifier.count}` : '',
    modifier.take ?? '',
    modifier.when ? `${modifier.when}#${modifier.request}` : '',
    modifier.spill ? 'spill' : '',
  ].filter(Boolean).join(':');
}
