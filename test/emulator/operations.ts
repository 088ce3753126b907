import { invalidInput, ServiceError } from './service-error';
import { DatasetGroupRecord, PersonalizeState, TrackerRecord } from './state';
import {
  JsonObject, maxResults, optionalArn, optionalString, requiredArn, requiredString, resourceName, tagKeyList, tagList,
} from './validation';

export const CONTROL_PLANE_OPERATIONS = [
  'CreateEventTracker',
  'DescribeEventTracker',
  'DeleteEventTracker',
  'ListEventTrackers',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
  'CreateDatasetGroup',
  'DescribeDatasetGroup',
  'DeleteDatasetGroup',
  'ListDatasetGroups',
] as const;

export type ControlPlaneOperation = typeof CONTROL_PLANE_OPERATIONS[number];
/** Every operation the emulator serves; PutEvents is the personalize-events data-plane call. */
export type OperationName = ControlPlaneOperation | 'PutEvents';

export type OperationHandler = (input: JsonObject) => JsonObject;

export function isOperationName(name: string): name is OperationName {
  return name === 'PutEvents' || (CONTROL_PLANE_OPERATIONS as readonly string[]).includes(name);
}

/** List calls page by creation order; the token carries the last seq returned and the filter it belongs to. */
function paginate<T extends { seq: number }>(items: readonly T[], input: JsonObject, filter: string): { page: T[]; nextToken?: string } {
  const limit = maxResults(input);
  const token = optionalString(input, 'nextToken', 1500);
  let after = 0;
  if (token !== undefined) {
    let cursor: { after?: unknown; filter?: unknown } = {};
    try {
      cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      // an unparseable token is rejected just below
    }
    if (typeof cursor.after !== 'number' || cursor.filter !== filter) {
      throw new ServiceError('InvalidNextTokenException', `Invalid nextToken: ${token}`);
    }
    after = cursor.after;
  }
  const rest = items.filter(item => item.seq > after);
  const page = rest.slice(0, limit);
  const nextToken = rest.length > page.length
    ? Buffer.from(JSON.stringify({ after: page[page.length - 1].seq, filter })).toString('base64url')
    : undefined;
  return { page, nextToken };
}

function tagsOut(tags: Map<string, string>): JsonObject[] {
  return [...tags].map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
}

/** The handlers of every operation: validate the input, apply it to the state, shape the output. */
export function operationHandlers(state: PersonalizeState): Record<OperationName, OperationHandler> {
  /** Times on the wire are epoch seconds, reported against the callers' clock (see PersonalizeState.advanceClock). */
  const epochSeconds = (emulatorMs: number) => state.reportedTime(emulatorMs) / 1000;
  const trackerNotFound = (arn: string) => new ServiceError('ResourceNotFoundException', `Could not find event tracker: ${arn}`);
  const tracker = (arn: string): TrackerRecord => {
    const found = state.findTracker(arn);
    if (!found) throw trackerNotFound(arn);
    return found;
  };
  /** For reads: a tracker still within the read-after-write lag of its creation is not found yet. */
  const visibleTracker = (arn: string): TrackerRecord => {
    const found = tracker(arn);
    if (!state.isVisible(found)) throw trackerNotFound(arn);
    return found;
  };
  const group = (arn: string): DatasetGroupRecord => {
    const found = state.findGroup(arn);
    if (!found) throw new ServiceError('ResourceNotFoundException', `Could not find dataset group: ${arn}`);
    return found;
  };
  const taggable = (arn: string): TrackerRecord | DatasetGroupRecord => {
    const found = state.findTaggable(arn);
    if (!found) throw new ServiceError('ResourceNotFoundException', `Could not find resource: ${arn}`);
    return found;
  };
  const trackerSummary = (t: TrackerRecord): JsonObject => {
    const current = state.trackerStatus(t);
    return {
      name: t.name,
      eventTrackerArn: t.arn,
      status: current.status,
      creationDateTime: epochSeconds(t.timeline.createdAt),
      lastUpdatedDateTime: epochSeconds(current.at),
    };
  };
  const groupSummary = (g: DatasetGroupRecord): JsonObject => {
    const status = state.groupStatus(g);
    return {
      name: g.name,
      datasetGroupArn: g.arn,
      status,
      creationDateTime: epochSeconds(g.createdAt),
      lastUpdatedDateTime: epochSeconds(status === 'ACTIVE' ? g.activeAt : g.createdAt),
      domain: g.domain,
    };
  };

  return {
    CreateEventTracker: input => {
      const name = resourceName(input);
      const datasetGroupArn = requiredArn(input, 'datasetGroupArn');
      const tags = tagList(input);
      const created = state.addTracker({ name, datasetGroupArn, tags });
      return { eventTrackerArn: created.arn, trackingId: created.trackingId };
    },

    DescribeEventTracker: input => {
      const t = visibleTracker(requiredArn(input, 'eventTrackerArn'));
      return {
        eventTracker: {
          ...trackerSummary(t),
          accountId: state.options.accountId,
          trackingId: t.trackingId,
          datasetGroupArn: t.datasetGroupArn,
        },
      };
    },

    DeleteEventTracker: input => {
      state.deleteTracker(tracker(requiredArn(input, 'eventTrackerArn')));
      return {};
    },

    ListEventTrackers: input => {
      const groupFilter = optionalArn(input, 'datasetGroupArn');
      const matching = state.liveTrackers().filter(t => state.isVisible(t)
        && (groupFilter === undefined || (t.datasetGroupArn === groupFilter && state.isListedInDatasetGroup(t))));
      const { page, nextToken } = paginate(matching, input, groupFilter ?? '');
      return { eventTrackers: page.map(trackerSummary), nextToken };
    },

    TagResource: input => {
      const resourceArn = requiredArn(input, 'resourceArn');
      if (input.tags === undefined || input.tags === null) throw invalidInput("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
      const tags = tagList(input);
      const resource = taggable(resourceArn);
      const keys = new Set([...resource.tags.keys(), ...tags.map(t => t.tagKey)]);
      if (keys.size > 50) throw new ServiceError('TooManyTagsException', `Resource ${resourceArn} would have ${keys.size} tags (maximum 50)`);
      tags.forEach(t => resource.tags.set(t.tagKey, t.tagValue));
      state.touch(resource);
      return {};
    },

    UntagResource: input => {
      const resourceArn = requiredArn(input, 'resourceArn');
      const tagKeys = tagKeyList(input);
      const resource = taggable(resourceArn);
      tagKeys.forEach(key => resource.tags.delete(key));
      state.touch(resource);
      return {};
    },

    ListTagsForResource: input => {
      const resourceArn = requiredArn(input, 'resourceArn');
      const lagging = state.findTracker(resourceArn);
      if (lagging && !state.isVisible(lagging)) throw new ServiceError('ResourceNotFoundException', `Could not find resource: ${resourceArn}`);
      return { tags: tagsOut(taggable(resourceArn).tags) };
    },

    CreateDatasetGroup: input => {
      const name = resourceName(input);
      const roleArn = optionalString(input, 'roleArn');
      const kmsKeyArn = optionalString(input, 'kmsKeyArn');
      const domain = optionalString(input, 'domain');
      if (domain !== undefined && domain !== 'ECOMMERCE' && domain !== 'VIDEO_ON_DEMAND') {
        throw invalidInput(`1 validation error detected: Value '${domain}' at 'domain' failed to satisfy constraint: Member must satisfy enum value set: [ECOMMERCE, VIDEO_ON_DEMAND]`);
      }
      const created = state.addDatasetGroup({ name, roleArn, kmsKeyArn, domain, tags: tagList(input) });
      return { datasetGroupArn: created.arn, domain: created.domain };
    },

    DescribeDatasetGroup: input => {
      const g = group(requiredArn(input, 'datasetGroupArn'));
      return { datasetGroup: { ...groupSummary(g), roleArn: g.roleArn, kmsKeyArn: g.kmsKeyArn } };
    },

    DeleteDatasetGroup: input => {
      state.deleteDatasetGroup(group(requiredArn(input, 'datasetGroupArn')));
      return {};
    },

    ListDatasetGroups: input => {
      const { page, nextToken } = paginate(state.liveGroups(), input, '');
      return { datasetGroups: page.map(groupSummary), nextToken };
    },

    PutEvents: input => {
      const trackingId = requiredString(input, 'trackingId');
      const sessionId = requiredString(input, 'sessionId');
      const userId = optionalString(input, 'userId');
      const eventList = input.eventList;
      if (!Array.isArray(eventList) || eventList.length < 1 || eventList.length > 10) {
        const size = Array.isArray(eventList) ? eventList.length : 'null';
        throw invalidInput(`1 validation error detected: Value at 'eventList' failed to satisfy constraint: Member must have between 1 and 10 events (got ${size})`);
      }
      const events = eventList.map((entry: unknown, index): JsonObject => {
        const event = (typeof entry === 'object' && entry !== null ? entry : {}) as JsonObject;
        requiredString(event, 'eventType');
        if (typeof event.sentAt !== 'number') {
          throw invalidInput(`1 validation error detected: Value null at 'eventList.${index + 1}.member.sentAt' failed to satisfy constraint: Member must not be null`);
        }
        return event;
      });
      const target = state.liveTrackers().find(t => t.trackingId === trackingId);
      if (!target || state.trackerStatus(target).status !== 'ACTIVE') {
        throw invalidInput(`The trackingId ${trackingId} does not belong to an ACTIVE event tracker`);
      }
      const receivedAt = state.now();
      events.forEach(event => state.events.push({ trackerArn: target.arn, trackingId, userId, sessionId, event, receivedAt }));
      return {};
    },
  };
}
