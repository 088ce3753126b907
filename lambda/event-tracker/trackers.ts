import {
  DeleteEventTrackerCommand,
  DescribeEventTrackerCommand,
  EventTrackerSummary,
  ListEventTrackersCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-personalize';
import { isInUse, isNotFound } from './errors';
import { callOptions, Step } from './step';

export const TrackerStatus = {
  CREATE_PENDING: 'CREATE PENDING',
  CREATE_IN_PROGRESS: 'CREATE IN_PROGRESS',
  ACTIVE: 'ACTIVE',
  CREATE_FAILED: 'CREATE FAILED',
  DELETE_PENDING: 'DELETE PENDING',
  DELETE_IN_PROGRESS: 'DELETE IN_PROGRESS',
} as const;

export interface Tracker {
  readonly arn: string;
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly trackingId: string;
  readonly status: string;
  readonly creationDateTime?: Date;
}

/** What the Personalize calls of a step need. */
export type Calls = Pick<Step, 'client' | 'deadline'>;

const EVENT_TRACKER_ARN = /^arn:[a-z\d-]+:personalize:[^:]*:[^:]*:event-tracker\/.+$/;

export function isEventTrackerArn(value: string | undefined): value is string {
  return value !== undefined && EVENT_TRACKER_ARN.test(value);
}

export function isCreating(status: string): boolean {
  return status === TrackerStatus.CREATE_PENDING || status === TrackerStatus.CREATE_IN_PROGRESS;
}

export function isDeleting(status: string): boolean {
  return status === TrackerStatus.DELETE_PENDING || status === TrackerStatus.DELETE_IN_PROGRESS;
}

/** Personalize refuses DeleteEventTracker while a tracker is still being created or deleted. */
export function canBeDeleted(status: string): boolean {
  return !isCreating(status) && !isDeleting(status);
}

/** The tracker, or undefined when Personalize says it does not exist (or does not show it yet). */
export async function describeTracker(calls: Calls, arn: string): Promise<Tracker | undefined> {
  try {
    const { eventTracker } = await calls.client.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn }), callOptions(calls));
    return {
      arn: eventTracker?.eventTrackerArn ?? arn,
      name: eventTracker?.name ?? '',
      datasetGroupArn: eventTracker?.datasetGroupArn ?? '',
      trackingId: eventTracker?.trackingId ?? '',
      status: eventTracker?.status ?? '',
      creationDateTime: eventTracker?.creationDateTime,
    };
  } catch (error) {
    if (isNotFound(error)) {
      return undefined;
    }
    throw error;
  }
}

/** The tracker's tags, or undefined when Personalize says it does not exist (or does not show it yet). */
export async function listTags(calls: Calls, arn: string): Promise<Map<string, string> | undefined> {
  try {
    const { tags } = await calls.client.send(new ListTagsForResourceCommand({ resourceArn: arn }), callOptions(calls));
    return new Map((tags ?? []).map((tag) => [tag.tagKey ?? '', tag.tagValue ?? '']));
  } catch (error) {
    if (isNotFound(error)) {
      return undefined;
    }
    throw error;
  }
}

/** Asks for deletion; a tracker already gone, or busy being created or deleted, is not an error. */
export async function requestDeletion(calls: Calls, arn: string): Promise<void> {
  try {
    await calls.client.send(new DeleteEventTrackerCommand({ eventTrackerArn: arn }), callOptions(calls));
  } catch (error) {
    if (!isNotFound(error) && !isInUse(error)) {
      throw error;
    }
  }
}

/** The tracker of a dataset group (Personalize allows one), if any. */
export async function findTrackerInDatasetGroup(calls: Calls, datasetGroupArn: string): Promise<EventTrackerSummary | undefined> {
  return findTracker(calls, () => true, datasetGroupArn);
}

/** The tracker with this name in the account and region (names are unique there), if any. */
export async function findTrackerNamed(calls: Calls, name: string): Promise<EventTrackerSummary | undefined> {
  return findTracker(calls, (summary) => summary.name === name);
}

async function findTracker(
  calls: Calls,
  matches: (summary: EventTrackerSummary) => boolean,
  datasetGroupArn?: string,
): Promise<EventTrackerSummary | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await calls.client.send(new ListEventTrackersCommand({ datasetGroupArn, nextToken, maxResults: 100 }), callOptions(calls));
    const found = page.eventTrackers?.find(matches);
    if (found) {
      return found;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}
