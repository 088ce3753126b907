import { IdGenerator } from './prng';
import { ServiceError } from './service-error';
import { statusAt, StatusChange, TrackerTimeline } from './timeline';
import { Tag } from './validation';

/** Phase durations in ms. Captured when a phase starts; see TrackerTimeline. */
export interface Timings {
  readonly trackerCreatePendingMs: number;
  readonly trackerCreateInProgressMs: number;
  readonly trackerDeletePendingMs: number;
  readonly trackerDeleteInProgressMs: number;
  /** How long a dataset group created through the API stays CREATE PENDING. */
  readonly datasetGroupActiveMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  trackerCreatePendingMs: 20,
  trackerCreateInProgressMs: 50,
  trackerDeletePendingMs: 10,
  trackerDeleteInProgressMs: 30,
  datasetGroupActiveMs: 0,
};

export type DatasetGroupStatus = 'CREATE PENDING' | 'ACTIVE';

/** Bookkeeping shared by trackers and groups: `version` counts mutations (create, tag, untag, delete, removal). */
interface Versioned {
  /** Creation order; also the paging cursor of List calls. */
  readonly seq: number;
  readonly arn: string;
  readonly name: string;
  readonly tags: Map<string, string>;
  version: number;
  lastModified: number;
}

export interface TrackerRecord extends Versioned {
  readonly datasetGroupArn: string;
  readonly trackingId: string;
  /** Created directly by the test (someone else's tracker), not through the API. */
  readonly foreign: boolean;
  readonly timeline: TrackerTimeline;
  /** From then on (emulator clock) reads see the tracker: the read-after-write lag of its creation ends. */
  readonly visibleAt: number;
}

export interface DatasetGroupRecord extends Versioned {
  readonly createdAt: number;
  readonly activeAt: number;
  readonly roleArn?: string;
  readonly kmsKeyArn?: string;
  readonly domain?: string;
  deletedAt?: number;
}

export interface ReceivedEvent {
  readonly trackerArn: string;
  readonly trackingId: string;
  readonly userId?: string;
  readonly sessionId: string;
  /** The event as sent on the wire (sentAt in epoch seconds). */
  readonly event: Record<string, unknown>;
  readonly receivedAt: number;
}

export interface StateOptions {
  readonly region: string;
  readonly accountId: string;
  readonly trackerArnStyle: 'id' | 'name';
  readonly timings: Timings;
  readonly clock: () => number;
  readonly seed: number;
  readonly readAfterWriteLagMs: number;
  readonly datasetGroupListingLagMs?: number;
}

export interface NewTracker {
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly tags?: readonly Tag[];
  /** Someone else's tracker, made by the test: ACTIVE since its creation, and reads see it at once. */
  readonly foreign?: boolean;
  /** Foreign trackers only: how long ago it was created. Default 0. */
  readonly createdAgoMs?: number;
}

export interface NewDatasetGroup {
  readonly name: string;
  readonly activeAfterMs?: number;
  readonly tags?: readonly Tag[];
  readonly roleArn?: string;
  readonly kmsKeyArn?: string;
  readonly domain?: string;
}

/** The resources of one account and region, and the rules of their lifecycle. */
export class PersonalizeState {
  readonly events: ReceivedEvent[] = [];
  private readonly trackerRecords: TrackerRecord[] = [];
  private readonly groupRecords: DatasetGroupRecord[] = [];
  /** Tracker name -> how many more creations of that name end in CREATE FAILED. */
  private readonly createFailures = new Map<string, number>();
  private readonly ids: IdGenerator;
  private nextSeq = 1;
  private readAfterWriteLagMs: number;
  /** What advanceClock added to the base clock, and when (base clock ms). */
  private readonly clockAdvances: Array<{ readonly atBaseMs: number; readonly ms: number }> = [];
  private clockOffsetMs = 0;

  constructor(readonly options: StateOptions) {
    this.ids = new IdGenerator(options.seed);
    this.readAfterWriteLagMs = nonNegative('readAfterWriteLagMs', options.readAfterWriteLagMs);
  }

  /**
   * The emulator clock: the base clock plus every advanceClock offset. Every recorded time (status
   * timelines, the call log, lastModified) is on this clock, so advancing it never rewrites history.
   */
  now(): number {
    return this.options.clock() + this.clockOffsetMs;
  }

  /**
   * Makes `ms` pass at once for the service: statuses move on as if that time had gone by. The
   * callers' own clocks cannot be moved, so the API reports times against the base clock
   * (reportedTime): everything that existed before looks `ms` older.
   */
  advanceClock(ms: number): void {
    nonNegative('advanceClock(ms)', ms);
    this.clockAdvances.push({ atBaseMs: this.options.clock(), ms });
    this.clockOffsetMs += ms;
  }

  /** An emulator-clock time as the API reports it (creationDateTime, lastUpdatedDateTime). */
  reportedTime(emulatorMs: number): number {
    return emulatorMs - this.clockOffsetMs;
  }

  /** The emulator clock's reading when the base clock read `baseMs`: includes the advances made by then. */
  emulatorTimeAt(baseMs: number): number {
    return baseMs + this.clockAdvances.filter(advance => advance.atBaseMs <= baseMs).reduce((sum, advance) => sum + advance.ms, 0);
  }

  /** Applies to trackers created from now on. */
  setReadAfterWriteLag(ms: number): void {
    this.readAfterWriteLagMs = nonNegative('readAfterWriteLagMs', ms);
  }

  /** Whether reads (DescribeEventTracker, ListTagsForResource, ListEventTrackers) see the tracker yet. */
  isVisible(tracker: TrackerRecord): boolean {
    return this.now() >= tracker.visibleAt;
  }

  /** In ListEventTrackers filtered by dataset group, which may lag the unfiltered listing. */
  isListedInDatasetGroup(tracker: TrackerRecord): boolean {
    return tracker.foreign || this.now() >= tracker.visibleAt + (this.options.datasetGroupListingLagMs ?? 0);
  }

  arnPrefix(): string {
    return `arn:aws:personalize:${this.options.region}:${this.options.accountId}`;
  }

  trackerStatus(tracker: TrackerRecord): StatusChange {
    return statusAt(tracker.timeline, this.now());
  }

  /** Every tracker ever created, including deleted ones, in creation order. */
  allTrackers(): readonly TrackerRecord[] {
    return this.trackerRecords;
  }

  liveTrackers(): TrackerRecord[] {
    return this.trackerRecords.filter(t => this.trackerStatus(t).status !== 'DELETED');
  }

  /** The live tracker with this ARN (with name-style ARNs, a deleted namesake may share it). */
  findTracker(arn: string): TrackerRecord | undefined {
    return this.liveTrackers().find(t => t.arn === arn);
  }

  groupStatus(group: DatasetGroupRecord): DatasetGroupStatus {
    return this.now() >= group.activeAt ? 'ACTIVE' : 'CREATE PENDING';
  }

  allGroups(): readonly DatasetGroupRecord[] {
    return this.groupRecords;
  }

  liveGroups(): DatasetGroupRecord[] {
    return this.groupRecords.filter(g => g.deletedAt === undefined);
  }

  findGroup(arn: string): DatasetGroupRecord | undefined {
    return this.liveGroups().find(g => g.arn === arn);
  }

  /** The live tracker or dataset group with this ARN: the resources that carry tags. */
  findTaggable(arn: string): TrackerRecord | DatasetGroupRecord | undefined {
    return this.findTracker(arn) ?? this.findGroup(arn);
  }

  addDatasetGroup(spec: NewDatasetGroup): DatasetGroupRecord {
    if (this.liveGroups().some(g => g.name === spec.name)) {
      throw new ServiceError('ResourceAlreadyExistsException', `A dataset group with name ${spec.name} already exists`);
    }
    const now = this.now();
    const group: DatasetGroupRecord = {
      seq: this.nextSeq++,
      arn: `${this.arnPrefix()}:dataset-group/${spec.name}`,
      name: spec.name,
      tags: new Map((spec.tags ?? []).map(t => [t.tagKey, t.tagValue])),
      version: 1,
      lastModified: now,
      createdAt: now,
      activeAt: now + (spec.activeAfterMs ?? this.options.timings.datasetGroupActiveMs),
      roleArn: spec.roleArn,
      kmsKeyArn: spec.kmsKeyArn,
      domain: spec.domain,
    };
    this.groupRecords.push(group);
    return group;
  }

  /** Deletes a group at once; refused while it still has a tracker in any state. */
  deleteDatasetGroup(group: DatasetGroupRecord): void {
    const tracker = this.liveTrackers().find(t => t.datasetGroupArn === group.arn);
    if (tracker) {
      throw new ServiceError('ResourceInUseException',
        `Dataset group ${group.arn} still has event tracker ${tracker.arn} (status ${this.trackerStatus(tracker).status})`);
    }
    group.deletedAt = this.now();
    this.touch(group);
  }

  /** Applies the CreateEventTracker rules: group exists and is ACTIVE, one tracker per group, unique names. */
  addTracker(spec: NewTracker): TrackerRecord {
    const group = this.findGroup(spec.datasetGroupArn);
    if (!group) throw new ServiceError('ResourceNotFoundException', `Could not find dataset group: ${spec.datasetGroupArn}`);
    const groupStatus = this.groupStatus(group);
    if (groupStatus !== 'ACTIVE') {
      throw new ServiceError('ResourceInUseException', `Dataset group ${group.arn} is not ACTIVE (status ${groupStatus})`);
    }
    const live = this.liveTrackers();
    const sameGroup = live.find(t => t.datasetGroupArn === group.arn);
    if (sameGroup) {
      throw new ServiceError('ResourceAlreadyExistsException',
        `An event tracker already exists for dataset group ${group.arn}: ${sameGroup.arn}`);
    }
    const sameName = live.find(t => t.name === spec.name);
    if (sameName) {
      throw new ServiceError('ResourceAlreadyExistsException', `An event tracker with name ${spec.name} already exists: ${sameName.arn}`);
    }

    const { timings } = this.options;
    // A foreign tracker stands for one someone else created earlier: it is ACTIVE since its creation.
    const foreign = spec.foreign ?? false;
    if (!foreign && spec.createdAgoMs !== undefined) throw new Error('createdAgoMs is for foreign trackers only');
    const createdAt = this.now() - nonNegative('createdAgoMs', spec.createdAgoMs ?? 0);
    const tracker: TrackerRecord = {
      seq: this.nextSeq++,
      arn: `${this.arnPrefix()}:event-tracker/${this.options.trackerArnStyle === 'name' ? spec.name : this.uniqueTrackerId()}`,
      name: spec.name,
      tags: new Map((spec.tags ?? []).map(t => [t.tagKey, t.tagValue])),
      version: 1,
      lastModified: createdAt,
      datasetGroupArn: group.arn,
      trackingId: this.uniqueTrackingId(),
      foreign,
      timeline: {
        createdAt,
        createPendingMs: foreign ? 0 : timings.trackerCreatePendingMs,
        createInProgressMs: foreign ? 0 : timings.trackerCreateInProgressMs,
        outcome: !foreign && this.consumeCreateFailure(spec.name) ? 'CREATE FAILED' : 'ACTIVE',
      },
      visibleAt: foreign ? createdAt : createdAt + this.readAfterWriteLagMs,
    };
    this.trackerRecords.push(tracker);
    return tracker;
  }

  /** Starts DeleteEventTracker; refused while the tracker is still being created or already being deleted. */
  deleteTracker(tracker: TrackerRecord): void {
    const { status } = this.trackerStatus(tracker);
    if (status !== 'ACTIVE' && status !== 'CREATE FAILED') {
      throw new ServiceError('ResourceInUseException', `Event tracker ${tracker.arn} is in status ${status} and cannot be deleted`);
    }
    const { timings } = this.options;
    tracker.timeline.deletion = {
      requestedAt: this.now(),
      pendingMs: timings.trackerDeletePendingMs,
      inProgressMs: timings.trackerDeleteInProgressMs,
    };
    this.touch(tracker);
  }

  /** Removes a tracker at once, as if someone deleted it out of band. */
  removeTracker(tracker: TrackerRecord): void {
    tracker.timeline.removedAt = this.now();
    this.touch(tracker);
  }

  injectCreateFailure(name: string, times: number): void {
    this.createFailures.set(name, times);
  }

  touch(resource: TrackerRecord | DatasetGroupRecord): void {
    resource.version++;
    resource.lastModified = this.now();
  }

  private consumeCreateFailure(name: string): boolean {
    const remaining = this.createFailures.get(name) ?? 0;
    if (remaining <= 0) return false;
    this.createFailures.set(name, remaining - 1);
    return true;
  }

  private uniqueTrackerId(): string {
    let id = this.ids.hex8();
    while (this.trackerRecords.some(t => t.arn.endsWith(`/${id}`))) id = this.ids.hex8();
    return id;
  }

  private uniqueTrackingId(): string {
    let id = this.ids.uuid();
    while (this.trackerRecords.some(t => t.trackingId === id)) id = this.ids.uuid();
    return id;
  }
}

function nonNegative(what: string, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`${what} must be a finite number of milliseconds >= 0, got ${ms}`);
  return ms;
}
