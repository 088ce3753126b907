import {
  DeleteEventTrackerCommand,
  DescribeEventTrackerCommand,
  EventTrackerSummary,
  ListEventTrackersCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { isInUse, isNotFound } from './errors';

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

/** The tracker, or undefined when Personalize says it does not exist. */
export async function describeTracker(client: PersonalizeClient, arn: string): Promise<Tracker | undefined> {
  try {
    const { eventTracker } = await client.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn }));
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

/** Asks for deletion; a tracker already gone, or busy being created or deleted, is not an error. */
export async function requestDeletion(client: PersonalizeClient, arn: string): Promise<void> {
  try {
    await client.send(new DeleteEventTrackerCommand({ eventTrackerArn: arn }));
  } catch (error) {
    if (!isNotFound(error) && !isInUse(error)) {
      throw error;
    }
  }
}

/** The tracker of a dataset group (Personalize allows one), if any. */
export async function findTrackerInDatasetGroup(client: PersonalizeClient, datasetGroupArn: string): Promise<EventTrackerSummary | undefined> {
  return findTracker(client, () => true, datasetGroupArn);
}

/** The tracker with this name in the account and region (names are unique there), if any. */
export async function findTrackerNamed(client: PersonalizeClient, name: string): Promise<EventTrackerSummary | undefined> {
  return findTracker(client, (summary) => summary.name === name);
}

async function findTracker(
  client: PersonalizeClient,
  matches: (summary: EventTrackerSummary) => boolean,
  datasetGroupArn?: string,
): Promise<EventTrackerSummary | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListEventTrackersCommand({ datasetGroupArn, nextToken, maxResults: 100 }));
    const found = page.eventTrackers?.find(matches);
    if (found) {
      return found;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}
