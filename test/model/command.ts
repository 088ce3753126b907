import type * as fc from 'fast-check';
import { DATASET_GROUP_NAMES, LogicalId, TRACKER_NAMES, TrackerSpec } from './declared';
import { checkInvariants, StepRecord } from './invariants';
import type { Model, Modifier, ModifierKind } from './model';
import type { World } from './world';

/** Indices the generator draws; commands resolve them against the model when they run. */
export interface SpecChoice {
  readonly name: number;
  readonly group: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly retain: boolean;
}

export const IN_PLACE_MODIFIERS: readonly ModifierKind[] = ['none', 'fail-stack-after', 'duplicate', 'lost-response'];
export const CREATE_MODIFIERS: readonly ModifierKind[] = ['none', 'fail-stack-after', 'create-fails', 'duplicate', 'lost-response', 'provider-timeout'];

export type Step = Omit<StepRecord, 'startedAt'> & { readonly description: string };

/** One step of a history: runs against the world, moves the model on, then checks every invariant. */
export abstract class ModelCommand implements fc.AsyncCommand<Model, World> {
  protected abstract readonly kind: string;

  public abstract check(model: Readonly<Model>): boolean;

  public async run(model: Model, world: World): Promise<void> {
    const startedAt = Date.now();
    world.stats.step(this.kind);
    let step: Step | undefined;
    try {
      step = await this.execute(model, world);
      await world.settle();
      world.transcript.push(`${step.description}${step.outcome ? `  ->  ${step.outcome} (${world.stack.status})` : ''}`);
      checkInvariants(world, model, { ...step, startedAt }, world.skip);
    } catch (error) {
      if (!step) world.transcript.push(`${this.toString()}  ->  threw`);
      throw error;
    }
  }

  protected abstract execute(model: Model, world: World): Promise<Step>;

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
  return modifier.kind !== 'provider-timeout' || model.timeoutsLeft > 0;
}

export function trackerOf(world: World, arn: string | undefined) {
  return world.emulator.trackers().find((t) => t.arn === arn);
}

export function modifierKey(modifier: Modifier): string {
  return `${modifier.kind}${modifier.gapMs !== undefined ? `:${modifier.gapMs}ms` : ''}${modifier.operation ? `:${modifier.operation}x${modifier.count}` : ''}${modifier.take ? `:${modifier.take}` : ''}`;
}
