import { ModelClock } from './clock';
import { DATASET_GROUP_NAMES } from './declared';
import { HistoryStats } from './figures';
import type { TrackerView } from './model';
import { isKept } from './ownership-proof';
import { TrackerStack } from './tracker-stack';
import { createForeignTracker, setReadAfterWriteLag } from './upcoming-api';
import { pointHandlerAt } from '../contract/harness';
import { BurstFault, FaultConfig, PersonalizeEmulator, TrackerSnapshot } from '../emulator/personalize-emulator';

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
}

export const NO_FAULTS: FaultProfile = { throttleRate: 0, serverErrorRate: 0, latencyMs: 0, readAfterWriteLagMs: 0 };

const GROUPS_AGO_MS = 60 * 24 * 60 * 60 * 1000;
const EVENT_TRACKER_ARN = /^arn:aws:personalize:[^:]*:[^:]*:event-tracker\/.+$/;

export function isTrackerArn(value: string | undefined): value is string {
  return value !== undefined && EVENT_TRACKER_ARN.test(value);
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
  /** Foreign trackers as they were created: they must stay exactly so. */
  public readonly foreign = new Map<string, TrackerSnapshot>();
  /** Deliveries still running after CloudFormation took the other one's answer. */
  public readonly background: Array<Promise<unknown>> = [];
  public readonly baseFaults: FaultConfig;
  /** What each step did and how it ended, in words: the history as the failure report shows it. */
  public readonly transcript: string[] = [];
  /** Invariants not checked in this run (MODEL_SKIP_INVARIANTS). */
  public skip: ReadonlySet<string> = new Set();
  private readonly savedEnv = { ...process.env };
  private foreignCount = 0;

  private constructor(
    public readonly config: HistoryConfig,
    public readonly emulator: PersonalizeEmulator,
    public readonly clock: ModelClock,
    public readonly stats: HistoryStats,
  ) {
    pointHandlerAt(emulator);
    // Dataset groups made long before anything else, so that a tracker can be created "long ago" in them.
    this.groupArns = DATASET_GROUP_NAMES.map((name) => clock.inThePast(GROUPS_AGO_MS, () => emulator.createDatasetGroup(name)));
    const { throttleRate, serverErrorRate, latencyMs, readAfterWriteLagMs } = config.faults;
    this.baseFaults = { throttleRate, serverErrorRate, latencyMs };
    emulator.setFaults(this.baseFaults);
    if (readAfterWriteLagMs > 0) {
      stats.lag = setReadAfterWriteLag(emulator, readAfterWriteLagMs) ? 'applied' : 'unavailable';
    }
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

  /**
   * Who created each tracker, in CloudFormation's records: every tracker ARN a resource held or was
   * answered with. Never what the handler tagged: the model must not trust the system it checks.
   */
  public owners(): Map<string, string> {
    const owners = new Map<string, string>();
    for (const slot of this.stack.everyResource) {
      for (const { response } of slot.driver.responses) {
        if (isTrackerArn(response.PhysicalResourceId)) owners.set(response.PhysicalResourceId, slot.owner);
      }
    }
    return owners;
  }

  /**
   * Trackers kept under RETAIN: CloudFormation's DELETE_SKIPPED (properties of older versions), or
   * the handler's own retention, which releases a kept tracker (the released tag) or, before the
   * cleanup, flags it to be kept. This is the handler's word: the other invariants check the rest.
   */
  public retainedArns(): Set<string> {
    const retained = new Set<string>();
    for (const slot of this.stack.everyResource) {
      for (const event of slot.driver.stackEvents) {
        if (event.status === 'DELETE_SKIPPED' && isTrackerArn(event.physicalResourceId)) retained.add(event.physicalResourceId);
      }
    }
    for (const tracker of this.emulator.trackers()) {
      if (!tracker.foreign && isKept(tracker.tags)) retained.add(tracker.arn);
    }
    return retained;
  }

  public view(): TrackerView[] {
    const owners = this.owners();
    return this.emulator.trackers().map((t) => ({
      arn: t.arn,
      name: t.name,
      datasetGroupArn: t.datasetGroupArn,
      status: t.status,
      foreign: t.foreign,
      owner: t.foreign ? undefined : owners.get(t.arn),
      kept: !t.foreign && isKept(t.tags),
    }));
  }

  /**
   * Someone else's tracker. `where` names a dataset group (the tracker gets a name of its own) or a
   * tracker name (in a dataset group of its own). Returns undefined when Personalize refuses it
   * (the group already has a tracker, or the name is taken).
   */
  public createForeign(where: { group: number } | { name: string }, createdAgoMs: number): TrackerSnapshot | undefined {
    this.foreignCount++;
    const datasetGroupArn = 'group' in where
      ? this.groupArns[where.group]
      : this.clock.inThePast(GROUPS_AGO_MS, () => this.emulator.createDatasetGroup(`elsewhere-${this.foreignCount}`));
    const name = 'name' in where ? where.name : `legacy-${this.foreignCount}`;
    try {
      const tracker = createForeignTracker(this.emulator, this.clock, { name, datasetGroupArn, tags: [{ tagKey: 'owner', tagValue: 'someone-else' }], createdAgoMs });
      this.foreign.set(tracker.arn, tracker);
      this.stats.count(createdAgoMs > 0 ? 'foreign trackers created long ago' : 'foreign trackers created just now');
      return tracker;
    } catch (error) {
      if ((error as Error).name === 'Error') throw error;
      this.stats.count('foreign trackers refused by Personalize');
      return undefined;
    }
  }

  /** Waits for every delivery and handler run still going, so nothing happens behind the invariants' back. */
  public async settle(): Promise<void> {
    while (this.background.length > 0) {
      await Promise.all(this.background.splice(0));
    }
    for (const slot of this.stack.everyResource) {
      await slot.driver.untilStragglersFinish();
      await slot.driver.provider.untilTimedOutHandlersReturn();
    }
  }

  public async stop(): Promise<void> {
    this.clock.unfreeze();
    await this.settle();
    this.stack.everyResource.forEach((slot) => slot.driver.provider.remove());
    await this.emulator.stop();
    process.env = this.savedEnv;
  }
}
