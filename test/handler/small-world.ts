import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { Io } from '../../lambda/event-tracker/observe';

/** A tracker of the small world: Personalize's facts about it. */
export interface WorldTracker {
  readonly arn: string;
  name: string;
  datasetGroupArn: string;
  status: string;
  trackingId: string;
  tags: Map<string, string>;
  /** When its creation ends: ACTIVE, or CREATE FAILED. */
  createEndsIn: 'ACTIVE' | 'CREATE FAILED';
}

export interface CallRecord {
  readonly operation: string;
  readonly arn?: string;
}

const ERROR = (name: string) => Object.assign(new Error(name), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

/**
 * Personalize's rules in memory, for checking the decision function exhaustively: one tracker per
 * dataset group, unique names, no deletion while a tracker is being created or deleted, statuses
 * that move on only when time passes. The handler's own observe and act code runs against it through
 * a client whose `send` answers the commands by name.
 */
export class SmallWorld {
  public readonly trackers = new Map<string, WorldTracker>();
  public readonly calls: CallRecord[] = [];
  private created = 0;

  constructor(
    public stackStatus: string | null,
    private readonly newTrackersEndIn: WorldTracker['createEndsIn'] = 'ACTIVE',
    /** The request's own resource, as DescribeStackResource shows it (a Create is awaited while CREATE_IN_PROGRESS). */
    public resourceStatus: string | null = 'CREATE_IN_PROGRESS',
  ) {}

  public add(tracker: Omit<WorldTracker, 'trackingId' | 'createEndsIn'> & Partial<Pick<WorldTracker, 'createEndsIn'>>): WorldTracker {
    const full = { trackingId: `tid-${tracker.arn}`, createEndsIn: 'ACTIVE' as const, ...tracker };
    this.trackers.set(full.arn, full);
    return full;
  }

  /** Time passes: every status in progress takes its next value. */
  public advance(): boolean {
    let moved = false;
    for (const tracker of [...this.trackers.values()]) {
      if (tracker.status.startsWith('DELETE')) {
        this.trackers.delete(tracker.arn);
        moved = true;
      } else if (tracker.status.startsWith('CREATE ') && tracker.status !== 'CREATE FAILED') {
        tracker.status = tracker.createEndsIn;
        moved = true;
      }
    }
    return moved;
  }

  /** A deep copy of the trackers, to compare before and after. */
  public snapshot(): string {
    return JSON.stringify([...this.trackers.values()].map((t) => ({ ...t, tags: [...t.tags].sort() })).sort((a, b) => a.arn.localeCompare(b.arn)));
  }

  public io(): Io {
    const send = async (command: { constructor: { name: string }; input: any }) => this.call(command.constructor.name, command.input);
    const personalize = { send };
    return {
      personalize: personalize as unknown as PersonalizeClient,
      stackStatus: async () => this.stackStatus,
      resourceStatus: async () => this.resourceStatus,
      callOptions: () => ({ abortSignal: new AbortController().signal }),
    };
  }

  /** Personalize's answer to one call by operation name (`DescribeEventTrackerCommand`...); throws its errors. */
  public call(operation: string, input: any): any {
    const arn: string | undefined = input.eventTrackerArn ?? input.resourceArn;
    this.calls.push({ operation, arn });
    const tracker = arn === undefined ? undefined : this.trackers.get(arn);
    switch (operation) {
      case 'DescribeEventTrackerCommand':
        if (!tracker) throw ERROR('ResourceNotFoundException');
        const { arn: eventTrackerArn, name, datasetGroupArn, status, trackingId } = tracker;
        return { eventTracker: { eventTrackerArn, name, datasetGroupArn, status, trackingId } };
      case 'ListTagsForResourceCommand':
        if (!tracker) throw ERROR('ResourceNotFoundException');
        return { tags: [...tracker.tags].map(([tagKey, tagValue]) => ({ tagKey, tagValue })) };
      case 'ListEventTrackersCommand':
        return {
          eventTrackers: [...this.trackers.values()]
            .filter((t) => input.datasetGroupArn === undefined || t.datasetGroupArn === input.datasetGroupArn)
            .map((t) => ({ eventTrackerArn: t.arn, name: t.name, status: t.status })),
        };
      case 'CreateEventTrackerCommand': {
        const taken = [...this.trackers.values()].some((t) => t.name === input.name || t.datasetGroupArn === input.datasetGroupArn);
        if (taken) throw ERROR('ResourceAlreadyExistsException');
        const created = this.add({
          arn: `arn:aws:personalize:us-east-1:123456789012:event-tracker/new${++this.created}`,
          name: input.name,
          datasetGroupArn: input.datasetGroupArn,
          status: 'CREATE PENDING',
          tags: new Map((input.tags ?? []).map((t: { tagKey: string; tagValue: string }) => [t.tagKey, t.tagValue])),
          createEndsIn: this.newTrackersEndIn,
        });
        return { eventTrackerArn: created.arn, trackingId: created.trackingId };
      }
      case 'DeleteEventTrackerCommand':
        if (!tracker) throw ERROR('ResourceNotFoundException');
        if (tracker.status.startsWith('DELETE') || tracker.status === 'CREATE PENDING' || tracker.status === 'CREATE IN_PROGRESS') throw ERROR('ResourceInUseException');
        tracker.status = 'DELETE PENDING';
        return {};
      case 'TagResourceCommand':
        if (!tracker) throw ERROR('ResourceNotFoundException');
        for (const { tagKey, tagValue } of input.tags) tracker.tags.set(tagKey, tagValue);
        return {};
      case 'UntagResourceCommand':
        if (!tracker) throw ERROR('ResourceNotFoundException');
        for (const key of input.tagKeys) tracker.tags.delete(key);
        return {};
      default:
        throw new Error(`the small world does not know ${operation}`);
    }
  }
}
