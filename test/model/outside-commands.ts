import { ModelCommand, pick, resourceAt, Step, trackerOf } from './command';
import { DATASET_GROUP_NAMES, TRACKER_NAMES } from './declared';
import type { Model } from './model';
import type { World } from './world';

/* What happens outside the stack: someone else's trackers, an out-of-band delete, time passing. */

const LONG_AGO_MS = 3 * 60 * 60 * 1000;

/**
 * Someone else creates a tracker: in one of the dataset groups (under a name of its own), under one of
 * the names (in a dataset group of its own), or both (as in the console, a tracker a stack may later
 * take over by its ARN).
 */
export class ForeignTracker extends ModelCommand {
  protected readonly kind = 'foreign tracker appears';
  constructor(private readonly where: 'group' | 'name' | 'both', private readonly index: number, private readonly longAgo: boolean) {
    super();
  }

  public check(): boolean {
    return true;
  }

  protected async execute(model: Model, world: World): Promise<Step> {
    // Somewhere Personalize allows it (a dataset group with no tracker, a name nobody uses), if there is such a place.
    const live = world.emulator.trackers();
    const groups = DATASET_GROUP_NAMES.map((_, g) => g).filter((g) => !live.some((t) => t.datasetGroupArn === world.groupArns[g]));
    const names = TRACKER_NAMES.filter((name) => !live.some((t) => t.name === name));
    const group = this.where === 'name' ? undefined : pick(groups, this.index) ?? this.index % DATASET_GROUP_NAMES.length;
    const name = this.where === 'group' ? undefined : pick(names, this.index) ?? TRACKER_NAMES[this.index % TRACKER_NAMES.length];
    const tags = this.where === 'both' ? [{ tagKey: 'made-by', tagValue: 'console' }] : [{ tagKey: 'owner', tagValue: 'someone-else' }];
    const created = world.createForeign({ group, name }, this.longAgo ? LONG_AGO_MS : 0, tags);
    if (created) model.outside.set(created.arn, { arn: created.arn, name: created.name, datasetGroupArn: created.datasetGroupArn });
    const place = [group !== undefined ? `in dataset group ${DATASET_GROUP_NAMES[group]}` : '', name !== undefined ? `named '${name}'` : ''].filter(Boolean).join(' ');
    const when = this.longAgo ? 'long ago' : 'just now';
    return {
      description: created
        ? `someone else creates tracker '${created.name}' in ${created.datasetGroupArn.split('/').pop()} (${when})`
        : `someone else tries to create a tracker ${place} (${when}): Personalize refuses`,
      budget: false,
    };
  }

  public toString(): string {
    return `ForeignTracker(${this.where},${this.index},${this.longAgo ? 'long-ago' : 'now'})`;
  }
}

/** Someone deletes one of the stack's trackers behind its back. */
export class DeleteOutOfBand extends ModelCommand {
  protected readonly kind = 'tracker deleted out of band';
  constructor(private readonly resource: number) {
    super();
  }

  public check(model: Readonly<Model>): boolean {
    const logicalId = resourceAt(model, this.resource);
    return (model.phase === 'live' || model.phase === 'stuck') && logicalId !== undefined && !model.resources.get(logicalId)!.missing;
  }

  protected async execute(model: Model, world: World): Promise<Step> {
    const logicalId = resourceAt(model, this.resource)!;
    const arn = world.stack.resource(logicalId).driver.physicalResourceId;
    const tracker = trackerOf(world, arn);
    if (tracker) world.emulator.deleteTrackerBehindTheStacksBack(tracker.arn);
    model.resources.get(logicalId)!.missing = true;
    return { description: `someone deletes ${logicalId}'s tracker '${tracker?.name ?? '?'}' out of band`, budget: false };
  }

  public toString(): string {
    return `DeleteOutOfBand(${this.resource})`;
  }
}

/** Hours pass: every tracker there is, ours too, looks that much older. Ownership must not depend on age. */
export class TimePasses extends ModelCommand {
  protected readonly kind = 'time passes';
  constructor(private readonly hours: number) {
    super();
  }

  public check(): boolean {
    return true;
  }

  protected async execute(_model: Model, world: World): Promise<Step> {
    world.emulator.advanceClock(this.hours * 60 * 60 * 1000);
    return { description: `${this.hours} hours pass`, budget: false };
  }

  public toString(): string {
    return `TimePasses(${this.hours})`;
  }
}
