import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ModelClock } from './clock';
import { DATASET_GROUP_NAMES } from './declared';
import { HistoryStats } from './figures';
import type { Holder, MadeTracker, Model, TrackerView } from './model';
import { TrackerStack, ResourceSlot } from './tracker-stack';
import { pointHandlerAt } from '../contract/harness';
import { BurstFault, FaultConfig, PersonalizeEmulator, Tag, TrackerSnapshot } from '../emulator/personalize-emulator';

/** Faults switched on for a whole history. */
export interface FaultProfile {
  readonly throttleRate: number;
  readonly serverErrorRate: number;
  readonly latencyMs: number;
  readonly readAfterWriteLagMs: number;
}

export interface HistoryConfig {
  /** Seeds the emulator's ids and fault draws. */
  readonly emulatorSeed: number;
  readonly faults: FaultProfile;
  /** Steps that may wait out a Provider timeout or a hung read (12 s each), where the run allows them. */
  readonly slowSteps: number;
}

export const NO_FAULTS: FaultProfile = { throttleRate: 0, serverErrorRate: 0, latencyMs: 0, readAfterWriteLagMs: 0 };

const EVENT_TRACKER_ARN = /^arn:aws:personalize:[^:]*:[^:]*:event-tracker\/.+$/;

export function isTrackerArn(value: string | undefined): value is string {
  return value !== undefined && EVENT_TRACKER_ARN.test(value);
}

/** A request to deliver again at a later stack operation (its start, or once it ended). */
interface PendingRedelivery {
  readonly slot: ResourceSlot;
  readonly request: CloudFormationCustomResourceEvent;
  readonly at: 'next-op' | 'after-next-op';
  readonly afterMs: number;
}

/**
 * The real system of one history: the emulator (on its own port, with the model's clock), the
 * bundled handler reached through the driver, the stack, and the records the invariants read.
 */
export class World {
  public static async start(config: HistoryConfig, stats: HistoryStats): Promise<World> {
    const clock = new ModelClock();
    const emulator = await PersonalizeEmulator.start({ seed: config.emulatorSeed, clock: clock.now });
    return new World(config, emulator, clock, stats);
  }

  public readonly groupArns: string[];
  public readonly stack = new TrackerStack();
  /** Trackers made outside the stack and not taken over, as they were created: they must stay exactly so. */
  public readonly foreign = new Map<string, TrackerSnapshot>();
  public readonly baseFaults: FaultConfig;
  /** What each step did and how it ended, in words: the history as the failure report shows it. */
  public readonly transcript: string[] = [];
  /** Invariants not checked in this run (MODEL_SKIP_INVARIANTS). */
  public skip: ReadonlySet<string> = new Set();
  /** Deliveries of a request that some later stack operation delivers again. */
  public readonly pending: PendingRedelivery[] = [];
  /** An operation left deliveries running (awaitStragglers: false): the world settles only after a later step. */
  public spilled = false;
  /** No delivery of an earlier step runs during this one, and none is held for it. */
  public quiet = true;
  private readonly savedEnv = { ...process.env };
  private foreignCount = 0;

  private constructor(
    public readonly config: HistoryConfig,
    public readonly emulator: PersonalizeEmulator,
    public readonly clock: ModelClock,
    public readonly stats: HistoryStats,
  ) {
    pointHandlerAt(emulator);
    this.groupArns = DATASET_GROUP_NAMES.map((name) => emulator.createDatasetGroup(name, { activeAfterMs: 0 }));
    const { throttleRate, serverErrorRate, latencyMs, readAfterWriteLagMs } = config.faults;
    this.baseFaults = { throttleRate, serverErrorRate, latencyMs };
    emulator.setFaults(this.baseFaults);
    if (readAfterWriteLagMs > 0) emulator.setReadAfterWriteLag(readAfterWriteLagMs);
  }

  public get faultFree(): boolean {
    const { throttleRate, serverErrorRate, latencyMs, readAfterWriteLagMs } = this.config.faults;
    return throttleRate === 0 && serverErrorRate === 0 && latencyMs === 0 && readAfterWriteLagMs === 0;
  }

  /** Bursts on top of the history's faults, until resetFaults(). */
  public addBursts(bursts: readonly BurstFault[]): void {
    this.emulator.setFaults({ ...this.baseFaults, bursts });
  }

  public resetFaults(): void {
    this.emulator.setFaults(this.baseFaults);
  }

  /** The physical id each resource of the stack holds, by ARN: `<incarnation>/<logicalId>`. */
  public held(): Map<string, string> {
    const held = new Map<string, string>();
    for (const slot of this.stack.resources.values()) {
      const arn = slot.driver.physicalResourceId;
      if (isTrackerArn(arn)) held.set(arn, slot.owner);
    }
    return held;
  }

  /** The live trackers, and whose each one is for the model: held (CloudFormation's records), kept or outside (the model's). */
  public view(model: Readonly<Model>): TrackerView[] {
    const held = this.held();
    return this.emulator.trackers().map((t) => {
      const kept = model.kept.get(t.arn);
      const holder: Holder = held.has(t.arn) ? { kind: 'held', owner: held.get(t.arn)! }
        : kept ? { kind: 'kept', owner: kept.owner, takenOver: kept.takenOver }
          : model.outside.has(t.arn) ? { kind: 'outside' } : { kind: 'unknown' };
      return { arn: t.arn, name: t.name, datasetGroupArn: t.datasetGroupArn, status: t.status, trackingId: t.trackingId, tags: t.tags, holder };
    });
  }

  /** Trackers the handler created since `since` (emulator clock), with the given name and dataset group if said. */
  public madeSince(since: number, target?: { name: string; datasetGroupArn: string }): MadeTracker[] {
    return this.emulator.trackers({ includeDeleted: true })
      .filter((t) => !t.foreign && t.createdAt >= since && (!target || (t.name === target.name && t.datasetGroupArn === target.datasetGroupArn)))
      .map((t) => ({
        arn: t.arn,
        name: t.name,
        datasetGroupArn: t.datasetGroupArn,
        failedCreation: this.emulator.statusHistory(t.arn).some((change) => change.status === 'CREATE FAILED'),
      }));
  }

  /**
   * Someone else's tracker, made outside the stack. `where` names a dataset group (the tracker gets a
   * name of its own), a tracker name (in a dataset group of its own), or both. Returns undefined when
   * Personalize refuses it (the group already has a tracker, or the name is taken).
   */
  public createForeign(where: { group?: number; name?: string }, createdAgoMs: number, tags: readonly Tag[]): TrackerSnapshot | undefined {
    this.foreignCount++;
    const datasetGroupArn = where.group !== undefined
      ? this.groupArns[where.group]
      : this.emulator.createDatasetGroup(`elsewhere-${this.foreignCount}`, { activeAfterMs: 0 });
    const name = where.name ?? `legacy-${this.foreignCount}`;
    try {
      const tracker = this.emulator.createForeignTracker({ name, datasetGroupArn, tags, createdAgoMs });
      this.foreign.set(tracker.arn, tracker);
      this.stats.count(createdAgoMs > 0 ? 'foreign trackers created long ago' : 'foreign trackers created just now');
      return tracker;
    } catch (error) {
      if ((error as Error).name === 'Error') throw error;
      this.stats.count('foreign trackers refused by Personalize');
      return undefined;
    }
  }

  /**
   * A stack operation starts: requests kept for it are delivered again, `afterMs` into it. Each may
   * run a waiter of its own meanwhile (aws-cdk-lib after 2.232.x): the model hears of it, for the residual.
   */
  public operationStarts(model: Model): void {
    for (const redelivery of this.pending.filter((p) => p.at === 'next-op')) {
      this.pending.splice(this.pending.indexOf(redelivery), 1);
      this.stats.count('redeliveries during the next operation');
      if (model.waiterPerDelivery) model.stale.push({ owner: redelivery.slot.owner, type: redelivery.request.RequestType });
      void redelivery.slot.driver.redeliver(redelivery.request, redelivery.afterMs).catch(() => undefined);
    }
  }

  /** A stack operation ended: requests kept for after it are delivered again now. */
  public operationEnded(model: Model): void {
    for (const redelivery of this.pending.filter((p) => p.at === 'after-next-op')) {
      this.pending.splice(this.pending.indexOf(redelivery), 1);
      this.stats.count('redeliveries after the next operation');
      if (model.waiterPerDelivery) model.stale.push({ owner: redelivery.slot.owner, type: redelivery.request.RequestType });
      void redelivery.slot.driver.redeliver(redelivery.request, 0).catch(() => undefined);
    }
  }

  /** The history ends: whatever is still kept for later is delivered now. */
  public deliverPending(): void {
    for (const redelivery of this.pending.splice(0)) {
      this.stats.count('redeliveries after the last operation');
      void redelivery.slot.driver.redeliver(redelivery.request, 0).catch(() => undefined);
    }
  }

  /** Waits for every delivery and handler run still going, so nothing happens behind the invariants' back. */
  public async settle(): Promise<void> {
    for (let pass = 0; pass < 2; pass++) {
      for (const slot of this.stack.everyResource) {
        await slot.driver.untilStragglersFinish();
        await slot.driver.provider.untilTimedOutHandlersReturn(30_000);
      }
    }
    this.spilled = false;
  }

  public async stop(): Promise<void> {
    this.clock.unfreeze();
    this.pending.splice(0);
    await this.settle();
    this.stack.everyResource.forEach((slot) => slot.driver.provider.remove());
    await this.emulator.stop();
    process.env = this.savedEnv;
  }
}
