import {
  CreateEventTrackerCommand,
  DeleteEventTrackerCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-personalize';
import type { Change } from './decide';
import { isAlreadyExists, isInUse, isNotFound } from './errors';
import { Observation, Status, Tracker } from './observation';
import { Io, seenTracker, withTracker } from './observe';
import { claimOf } from './proof';
import type { Request } from './request';

/** Carries out one change (one Personalize call), and returns what is now known. */
export async function act(change: Change, request: Request, seen: Observation, io: Io): Promise<Observation> {
  switch (change.kind) {
    case 'create':
      return create(change, request, seen, io);
    case 'delete':
      try {
        await io.personalize.send(new DeleteEventTrackerCommand({ eventTrackerArn: change.arn }), io.callOptions());
      } catch (error) {
        if (isNotFound(error)) {
          return withTracker(seen, change.arn, null);
        }
        // Refused while it is still being created or already being deleted: look again later.
        if (isInUse(error)) {
          return seen;
        }
        throw error;
      }
      return updated(seen, change.arn, (tracker) => ({ ...tracker, status: Status.DELETE_PENDING }));
    case 'tag':
    case 'untag':
      try {
        if (change.kind === 'tag') {
          const tags = [...change.tags].map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
          await io.personalize.send(new TagResourceCommand({ resourceArn: change.arn, tags }), io.callOptions());
        } else {
          await io.personalize.send(new UntagResourceCommand({ resourceArn: change.arn, tagKeys: [...change.keys] }), io.callOptions());
        }
      } catch (error) {
        if (isNotFound(error)) {
          return withTracker(seen, change.arn, null);
        }
        throw error;
      }
      return updated(seen, change.arn, (tracker) => {
        const tags = new Map(tracker.details!.tags);
        if (change.kind === 'tag') {
          change.tags.forEach((value, key) => tags.set(key, value));
        } else {
          change.keys.forEach((key) => tags.delete(key));
        }
        return { ...tracker, details: { ...tracker.details!, tags, claim: claimOf(request.owner, tags) } };
      });
  }
}

async function create(change: Extract<Change, { kind: 'create' }>, request: Request, seen: Observation, io: Io): Promise<Observation> {
  try {
    const created = await io.personalize.send(new CreateEventTrackerCommand({
      name: change.name,
      datasetGroupArn: change.datasetGroupArn,
      tags: [...change.tags].map(([tagKey, tagValue]) => ({ tagKey, tagValue })),
    }), io.callOptions());
    const tracker: Tracker = {
      arn: created.eventTrackerArn ?? '',
      name: change.name,
      status: Status.CREATE_PENDING,
      details: {
        datasetGroupArn: change.datasetGroupArn,
        trackingId: created.trackingId ?? '',
        claim: claimOf(request.owner, change.tags),
        tags: change.tags,
      },
    };
    return { ...seen, inGroup: tracker, named: tracker, createRefused: undefined };
  } catch (error) {
    if (isAlreadyExists(error)) {
      // Something holds the dataset group or the name, seen or not yet: look again.
      return { ...seen, inGroup: undefined, named: undefined, createRefused: 'exists' };
    }
    if (isInUse(error)) {
      return { ...seen, createRefused: 'group-not-active' };
    }
    throw error;
  }
}

function updated(seen: Observation, arn: string, update: (tracker: Tracker) => Tracker): Observation {
  const tracker = seenTracker(seen, arn);
  return tracker ? withTracker(seen, arn, update(tracker)) : seen;
}
