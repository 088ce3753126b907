import {
  DescribeEventTrackerCommand,
  EventTrackerSummary,
  ListEventTrackersCommand,
  ListTagsForResourceCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import type { Look } from './decide';
import { isNotFound } from './errors';
import { Observation, Tracker } from './observation';
import { claimOf } from './proof';
import type { Request } from './request';

/** What observing and acting work with during one invocation. */
export interface Io {
  readonly personalize: PersonalizeClient;
  /** DescribeStacks of the request's own stack: its StackStatus, or null when it cannot be read. */
  readonly stackStatus: (stackId: string) => Promise<string | null>;
  /** DescribeStackResource of the request's own resource: its ResourceStatus, 'NONE', or null when it cannot be read. */
  readonly resourceStatus: (stackId: string, logicalResourceId: string) => Promise<string | null>;
  /** Aborts a call that would outlive the invocation. */
  readonly callOptions: () => { abortSignal: AbortSignal };
}

type Slot = 'physical' | 'inGroup' | 'named' | 'takeOver' | 'leftBehind';
const SLOTS: readonly Slot[] = ['physical', 'inGroup', 'named', 'takeOver', 'leftBehind'];

/** Personalize reads into the observation: one look, as the decision asked. */
export async function observe(look: Look, request: Request, seen: Observation, io: Io): Promise<Observation> {
  switch (look.at) {
    case 'physical':
      return { ...seen, physical: await describe(io, request, request.physicalId!) };
    case 'take-over':
      return { ...seen, takeOver: await describe(io, request, request.declared!.takeOverArn!) };
    case 'details':
      return withTracker(seen, look.arn, await describe(io, request, look.arn));
    case 'group': {
      const datasetGroupArn = request.declared?.datasetGroupArn ?? request.previous!.datasetGroupArn!;
      return { ...seen, inGroup: known(seen, await findTracker(io, () => true, datasetGroupArn)) };
    }
    case 'name': {
      const name = request.declared!.name;
      return { ...seen, named: known(seen, await findTracker(io, (summary) => summary.name === name)) };
    }
    case 'stack':
      return { ...seen, stackStatus: await io.stackStatus(request.owner.stackId) };
    case 'resource':
      return { ...seen, resourceStatus: await io.resourceStatus(request.owner.stackId, request.owner.logicalResourceId) };
    case 'left-behind':
      return { ...seen, leftBehind: known(seen, await findTracker(io, () => true, request.previous!.datasetGroupArn!)) };
  }
}

/** The tracker with its tags, or null when Personalize says it does not exist (or does not show it yet). */
export async function describe(io: Io, request: Request, arn: string): Promise<Tracker | null> {
  try {
    const { eventTracker } = await io.personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn }), io.callOptions());
    const { tags } = await io.personalize.send(new ListTagsForResourceCommand({ resourceArn: arn }), io.callOptions());
    const tagMap = new Map((tags ?? []).map((tag) => [tag.tagKey ?? '', tag.tagValue ?? '']));
    return {
      arn,
      name: eventTracker?.name ?? '',
      status: eventTracker?.status ?? '',
      details: {
        datasetGroupArn: eventTracker?.datasetGroupArn ?? '',
        trackingId: eventTracker?.trackingId ?? '',
        claim: claimOf(request.owner, tagMap),
        tags: tagMap,
      },
    };
  } catch (error) {
    if (isNotFound(error)) {
      return null;
    }
    throw error;
  }
}

/** What the observation knows of the tracker `arn`, in whichever slot. */
export function seenTracker(seen: Observation, arn: string): Tracker | undefined {
  return SLOTS.map((slot) => seen[slot]).find((tracker): tracker is Tracker => tracker?.arn === arn);
}

/** The same observation with every slot that holds `arn` replaced (null: gone). */
export function withTracker(seen: Observation, arn: string, tracker: Tracker | null): Observation {
  const next: Record<string, unknown> = { ...seen };
  for (const slot of SLOTS) {
    if (seen[slot]?.arn === arn) {
      next[slot] = tracker;
    }
  }
  return next as Observation;
}

/** One DescribeEventTracker: the status of a tracker whose tags are known, or null when Personalize does not show it. */
export async function statusOf(io: Io, arn: string): Promise<{ status: string } | null> {
  try {
    const { eventTracker } = await io.personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn }), io.callOptions());
    return { status: eventTracker?.status ?? '' };
  } catch (error) {
    if (isNotFound(error)) {
      return null;
    }
    throw error;
  }
}

/** A listed tracker, with what is already known of it. */
export function known(seen: Observation, summary: EventTrackerSummary | undefined): Tracker | null {
  if (!summary?.eventTrackerArn) {
    return null;
  }
  const before = seenTracker(seen, summary.eventTrackerArn);
  return { ...before, arn: summary.eventTrackerArn, name: summary.name ?? '', status: summary.status ?? '' };
}

async function findTracker(
  io: Io, matches: (summary: EventTrackerSummary) => boolean, datasetGroupArn?: string,
): Promise<EventTrackerSummary | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await io.personalize.send(new ListEventTrackersCommand({ datasetGroupArn, nextToken, maxResults: 100 }), io.callOptions());
    const found = page.eventTrackers?.find(matches);
    if (found) {
      return found;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}
