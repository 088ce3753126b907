import * as http from 'http';
import { FaultConfig, FaultInjector } from './faults';
import { isOperationName, OperationHandler, OperationName, operationHandlers } from './operations';
import { closeServer, IncomingCall, listenLocally } from './protocol';
import { ServiceError } from './service-error';
import { DatasetGroupStatus, DEFAULT_TIMINGS, PersonalizeState, ReceivedEvent, Timings, TrackerRecord } from './state';
import { statusHistory, StatusChange, TrackerLifecycleStatus } from './timeline';
import { JsonObject, Tag } from './validation';
import { preciseNow } from '../helpers/precise-clock';

export type { BurstFault, FaultConfig, InjectedErrorName, PerOperation } from './faults';
export type { OperationName } from './operations';
export type { ReceivedEvent, Timings } from './state';
export type { StatusChange, TrackerLifecycleStatus, TrackerStatus } from './timeline';
export type { Tag } from './validation';

export interface EmulatorOptions {
  /** Seeds every id and every fault decision. Default 1. */
  readonly seed?: number;
  /** Default us-east-1. */
  readonly region?: string;
  /** Default 123456789012. */
  readonly accountId?: string;
  /** `id` (default): `.../event-tracker/<8 hex>`; `name`: `.../event-tracker/<name>`. */
  readonly trackerArnStyle?: 'id' | 'name';
  /** Lifecycle durations in ms; unset ones take DEFAULT_TIMINGS. */
  readonly timings?: Partial<Timings>;
  readonly faults?: FaultConfig;
  /** The base clock, in ms. Default preciseNow (the driver's clock). advanceClock() adds to it; see now(). */
  readonly clock?: () => number;
  /**
   * Eventual consistency: for this long after CreateEventTracker, DescribeEventTracker and
   * ListTagsForResource on the new tracker answer ResourceNotFoundException and ListEventTrackers
   * leaves it out. CreateEventTracker's own rules see it at once (a second create conflicts), and so do
   * TagResource, UntagResource and DeleteEventTracker. Default 0 (off).
   */
  readonly readAfterWriteLagMs?: number;
  /**
   * How much longer ListEventTrackers filtered by dataset group leaves a new tracker out than the
   * unfiltered listing does (a secondary index lagging its table). Default 0.
   */
  readonly datasetGroupListingLagMs?: number;
}

/** What createForeignTracker makes. */
export interface ForeignTrackerSpec {
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly tags?: readonly Tag[];
  /**
   * How long ago someone created it: what creationDateTime and lastUpdatedDateTime report.
   * Default 30 days; e.g. 5_000 for "seconds ago".
   */
  readonly createdAgoMs?: number;
}

const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

export interface CallRecord {
  readonly operation: string;
  readonly input: JsonObject;
  /** `ok`, or the name of the error returned. */
  readonly outcome: string;
  /** The outcome was forced by fault injection, not by the emulated service. */
  readonly injected: boolean;
  /** Arrival time on the emulator clock (now()). */
  readonly at: number;
}

export interface TrackerSnapshot {
  readonly arn: string;
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly status: TrackerLifecycleStatus;
  readonly trackingId: string;
  readonly tags: Record<string, string>;
  readonly foreign: boolean;
  readonly createdAt: number;
  /** From then on Describe, List and ListTagsForResource show it: createdAt plus the read-after-write lag. */
  readonly visibleAt: number;
  /** Incremented by every mutation (create, tag, untag, delete, removal), never by the passing of time. */
  readonly version: number;
  readonly lastModified: number;
}

export interface DatasetGroupSnapshot {
  readonly arn: string;
  readonly name: string;
  readonly status: DatasetGroupStatus | 'DELETED';
  readonly tags: Record<string, string>;
  readonly version: number;
  readonly lastModified: number;
}

/**
 * An Amazon Personalize control plane (event trackers, dataset groups, tags) plus the
 * personalize-events PutEvents call, served on 127.0.0.1 for the real AWS SDK clients.
 */
export class PersonalizeEmulator {
  /** Starts an emulator on a random local port. */
  static async start(options: EmulatorOptions = {}): Promise<PersonalizeEmulator> {
    const emulator = new PersonalizeEmulator(options);
    const { server, endpoint } = await listenLocally(call => emulator.handle(call));
    emulator.server = server;
    emulator.endpoint = endpoint;
    return emulator;
  }

  /** `http://127.0.0.1:<port>`: pass as the client's `endpoint` (or AWS_ENDPOINT_URL_PERSONALIZE). */
  endpoint = '';
  readonly region: string;
  readonly accountId: string;
  private server?: http.Server;
  private readonly state: PersonalizeState;
  private readonly handlers: Record<OperationName, OperationHandler>;
  private readonly faults: FaultInjector;
  private readonly log: CallRecord[] = [];
  private readonly holds: CallHold[] = [];

  private constructor(options: EmulatorOptions) {
    const seed = options.seed ?? 1;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.state = new PersonalizeState({
      region: this.region,
      accountId: this.accountId,
      trackerArnStyle: options.trackerArnStyle ?? 'id',
      timings: { ...DEFAULT_TIMINGS, ...options.timings },
      clock: options.clock ?? preciseNow,
      seed,
      readAfterWriteLagMs: options.readAfterWriteLagMs ?? 0,
      datasetGroupListingLagMs: options.datasetGroupListingLagMs ?? 0,
    });
    this.handlers = operationHandlers(this.state);
    this.faults = new FaultInjector(seed);
    this.faults.set(options.faults ?? {});
  }

  /** Client settings for this emulator with dummy credentials, e.g. `new PersonalizeClient({ ...emulator.clientConfig(), maxAttempts: 1 })`. */
  clientConfig(): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
    return { endpoint: this.endpoint, region: this.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  }

  /** Creates a dataset group directly (no HTTP, not logged); CREATE PENDING until `activeAfterMs` (default: timings). */
  createDatasetGroup(name: string, options: { activeAfterMs?: number; tags?: readonly Tag[] } = {}): string {
    return this.state.addDatasetGroup({ name, ...options }).arn;
  }

  /** The next `times` creations (default: all) of a tracker with this name end in CREATE FAILED instead of ACTIVE. */
  injectCreateFailure(trackerName: string, times = Infinity): void {
    this.state.injectCreateFailure(trackerName, times);
  }

  /** Removes a live tracker at once, as if deleted in the console: from now on it is ResourceNotFoundException. */
  deleteTrackerBehindTheStacksBack(trackerArn: string): void {
    this.state.removeTracker(this.liveTracker(trackerArn));
  }

  /**
   * Creates, directly, a tracker someone else owns, ACTIVE since it was created `createdAgoMs` ago
   * (default 30 days). Follows the API's rules (group must exist and be ACTIVE, one tracker per group,
   * unique name) and throws ServiceError otherwise. Reads see it at once (no read-after-write lag).
   */
  createForeignTracker(spec: ForeignTrackerSpec): TrackerSnapshot {
    const { createdAgoMs = THIRTY_DAYS_MS, ...tracker } = spec;
    return this.snapshot(this.state.addTracker({ ...tracker, foreign: true, createdAgoMs }));
  }

  /**
   * Makes `ms` pass at once for the emulated service: statuses move on (a tracker being created
   * becomes ACTIVE, a deletion finishes), and every existing tracker and dataset group is reported as
   * created and updated `ms` earlier than before, e.g. "our own tracker, created 3 hours ago".
   * The API keeps reporting times against the base clock (the handler's Date.now cannot be moved);
   * recorded times (call log, status histories, snapshots) are on the emulator clock (now()).
   */
  advanceClock(ms: number): void {
    this.state.advanceClock(ms);
  }

  /** The emulator clock: the base clock plus every advanceClock. Call times and status histories use it. */
  now(): number {
    return this.state.now();
  }

  /** The emulator clock's reading when the base clock read `baseMs`, to compare e.g. the driver's timeline with call times. */
  toEmulatorTime(baseMs: number): number {
    return this.state.emulatorTimeAt(baseMs);
  }

  /** Sets the read-after-write lag (see EmulatorOptions.readAfterWriteLagMs) of trackers created from now on. */
  setReadAfterWriteLag(ms: number): void {
    this.state.setReadAfterWriteLag(ms);
  }

  /** Replaces the fault configuration; takes effect from the next call. */
  setFaults(faults: FaultConfig): void {
    this.faults.set(faults);
  }

  /**
   * Holds the `nth` (1-based) call of `operation` whose input `matches`, before the emulated service
   * sees it, until release(): a test decides exactly when a request's call happens relative to another's.
   */
  holdCall(operation: OperationName, matches: (input: JsonObject) => boolean = () => true, nth = 1): HeldCall {
    const hold = new CallHold(operation, matches, nth);
    this.holds.push(hold);
    return hold;
  }

  /** Live trackers (or every tracker ever created, with `includeDeleted`), in creation order. */
  trackers(options: { includeDeleted?: boolean } = {}): TrackerSnapshot[] {
    const records = options.includeDeleted ? this.state.allTrackers() : this.state.liveTrackers();
    return records.map(t => this.snapshot(t));
  }

  /** The live tracker with this ARN, else the latest deleted one, else undefined. */
  tracker(arn: string): TrackerSnapshot | undefined {
    const record = this.latestTracker(arn);
    return record && this.snapshot(record);
  }

  /** Every status the tracker went through up to now, with the time (emulator clock) it entered it; ends with DELETED once gone. */
  statusHistory(trackerArn: string): StatusChange[] {
    const record = this.latestTracker(trackerArn);
    if (!record) throw new Error(`No tracker was ever created with ARN ${trackerArn}`);
    return statusHistory(record.timeline, this.state.now());
  }

  datasetGroups(options: { includeDeleted?: boolean } = {}): DatasetGroupSnapshot[] {
    const records = options.includeDeleted ? this.state.allGroups() : this.state.liveGroups();
    return records.map(g => ({
      arn: g.arn,
      name: g.name,
      status: g.deletedAt !== undefined ? 'DELETED' : this.state.groupStatus(g),
      tags: Object.fromEntries(g.tags),
      version: g.version,
      lastModified: g.lastModified,
    }));
  }

  /** The call log, oldest first, optionally for one operation. */
  calls(operation?: string): CallRecord[] {
    return this.log.filter(call => operation === undefined || call.operation === operation);
  }

  callCount(operation?: string): number {
    return this.calls(operation).length;
  }

  /** Events accepted by PutEvents, optionally for one tracker. */
  receivedEvents(trackerArn?: string): ReceivedEvent[] {
    return this.state.events.filter(e => trackerArn === undefined || e.trackerArn === trackerArn);
  }

  async stop(): Promise<void> {
    if (this.server) await closeServer(this.server);
    this.server = undefined;
  }

  private async handle({ operation, input }: IncomingCall): Promise<JsonObject> {
    const at = this.state.now();
    const record = (outcome: string, injected = false) => this.log.push({ operation, input, outcome, injected, at });
    if (!isOperationName(operation)) {
      record('UnknownOperationException');
      throw new ServiceError('UnknownOperationException', `Unknown operation ${operation}`);
    }
    await Promise.all(this.holds.map((hold) => hold.pass(operation, input)));
    const fault = this.faults.decide(operation);
    if (fault.latencyMs > 0) await new Promise(resolve => setTimeout(resolve, fault.latencyMs));
    if (fault.error && !fault.afterApply) {
      record(fault.error.name, true);
      throw fault.error;
    }
    let output: JsonObject;
    try {
      output = this.handlers[operation](input);
    } catch (error) {
      record(error instanceof ServiceError ? error.name : 'InternalServerError');
      throw error;
    }
    if (fault.error) {
      record(fault.error.name, true);
      throw fault.error;
    }
    record('ok');
    return output;
  }

  private liveTracker(arn: string): TrackerRecord {
    const record = this.state.findTracker(arn);
    if (!record) throw new Error(`No live tracker with ARN ${arn}`);
    return record;
  }

  /** With name-style ARNs, deleted namesakes share an ARN: prefer the live tracker, then the newest. */
  private latestTracker(arn: string): TrackerRecord | undefined {
    return this.state.findTracker(arn) ?? [...this.state.allTrackers()].reverse().find(t => t.arn === arn);
  }

  private snapshot(t: TrackerRecord): TrackerSnapshot {
    return {
      arn: t.arn,
      name: t.name,
      datasetGroupArn: t.datasetGroupArn,
      status: this.state.trackerStatus(t).status,
      trackingId: t.trackingId,
      tags: Object.fromEntries(t.tags),
      foreign: t.foreign,
      createdAt: t.timeline.createdAt,
      visibleAt: t.visibleAt,
      version: t.version,
      lastModified: t.lastModified,
    };
  }
}

/** A call held by PersonalizeEmulator.holdCall. */
export interface HeldCall {
  /** Resolves when the held call has arrived (and waits). */
  readonly reached: Promise<void>;
  /** Lets the held call go on. */
  release(): void;
}

class CallHold implements HeldCall {
  public readonly reached: Promise<void>;
  private readonly released: Promise<void>;
  private arrive!: () => void;
  private letGo!: () => void;
  private remaining: number;

  constructor(private readonly operation: string, private readonly matches: (input: JsonObject) => boolean, nth: number) {
    this.remaining = nth;
    this.reached = new Promise((resolve) => { this.arrive = resolve; });
    this.released = new Promise((resolve) => { this.letGo = resolve; });
  }

  public release(): void {
    this.letGo();
  }

  /** Waits if this is the held call. */
  public async pass(operation: string, input: JsonObject): Promise<void> {
    if (operation !== this.operation || this.remaining <= 0 || !this.matches(input) || --this.remaining > 0) {
      return;
    }
    this.arrive();
    await this.released;
  }
}
