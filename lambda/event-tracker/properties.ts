import { DeploymentFailure } from './deployment-failure';
import { DESTROY, ResourcePropertyKey, RETAIN } from '../../src/private/handler-contract';
import { datasetGroupArnProblems, eventTrackerArnProblems, eventTrackerNameProblems, tagProblems } from '../../src/private/validation-rules';

/** The tracker a request asks for, parsed from string-only CloudFormation properties. */
export interface DesiredTracker {
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly tags: ReadonlyMap<string, string>;
  /** The removal policy keeps the tracker: never deleted, released when it leaves the stack. */
  readonly retain: boolean;
  /** The user chose DESTROY explicitly (it then applies to a tracker once taken over, too). */
  readonly destroyExplicitly: boolean;
  /** An existing tracker the user named for this resource to take over. */
  readonly takeOverArn?: string;
}

/** What an earlier version of the properties asked for; properties an older version lacked are undefined. */
export interface PreviousTracker {
  readonly name?: string;
  readonly datasetGroupArn?: string;
  readonly tags: ReadonlyMap<string, string>;
  readonly takeOverArn?: string;
}

type Properties = Record<string, unknown> | undefined;

/** Parses and validates with the construct's rules, so deploy time rejects what synth time would. */
export function parseDesiredTracker(properties: Properties): DesiredTracker {
  const name = stringProperty(properties, ResourcePropertyKey.EVENT_TRACKER_NAME);
  const datasetGroupArn = stringProperty(properties, ResourcePropertyKey.DATASET_GROUP_ARN);
  const tags = parseTags(properties?.[ResourcePropertyKey.TAGS]);
  const takeOverArn = stringProperty(properties, ResourcePropertyKey.TAKE_OVER_EVENT_TRACKER_ARN);
  const problems = [
    ...(name === undefined ? [`The property ${ResourcePropertyKey.EVENT_TRACKER_NAME} is missing; the EventTracker construct always sets it.`] : eventTrackerNameProblems(name)),
    ...(datasetGroupArn === undefined ? [`The property ${ResourcePropertyKey.DATASET_GROUP_ARN} is missing; the EventTracker construct always sets it.`] : datasetGroupArnProblems(datasetGroupArn)),
    ...tagProblems([...tags]),
    ...(takeOverArn === undefined ? [] : eventTrackerArnProblems(takeOverArn)),
  ];
  if (problems.length > 0 || name === undefined || datasetGroupArn === undefined) {
    throw new DeploymentFailure(`Invalid event tracker properties: ${problems.join(' ')}`);
  }
  const destroyExplicitly = stringProperty(properties, ResourcePropertyKey.REMOVAL_POLICY) === DESTROY;
  return { name, datasetGroupArn, tags, retain: isRetained(properties), destroyExplicitly, takeOverArn };
}

/** Lenient, for the properties of a Delete, which may come from an older version of the construct. */
export function isRetained(properties: Properties): boolean {
  return stringProperty(properties, ResourcePropertyKey.REMOVAL_POLICY) === RETAIN
    || stringProperty(properties, ResourcePropertyKey.RETAIN_ON_REPLACEMENT) === 'true'
    || stringProperty(properties, ResourcePropertyKey.TAKE_OVER_EVENT_TRACKER_ARN) !== undefined;
}

/** Lenient: old properties may come from an older version of the construct. */
export function parsePreviousTracker(properties: Properties): PreviousTracker {
  return {
    name: stringProperty(properties, ResourcePropertyKey.EVENT_TRACKER_NAME),
    datasetGroupArn: stringProperty(properties, ResourcePropertyKey.DATASET_GROUP_ARN),
    tags: parseTags(properties?.[ResourcePropertyKey.TAGS]),
    takeOverArn: stringProperty(properties, ResourcePropertyKey.TAKE_OVER_EVENT_TRACKER_ARN),
  };
}

function stringProperty(properties: Properties, key: string): string | undefined {
  const value = properties?.[key];
  return value === undefined || value === null ? undefined : String(value);
}

function parseTags(value: unknown): Map<string, string> {
  const tags = new Map<string, string>();
  if (!Array.isArray(value)) {
    return tags;
  }
  for (const tag of value) {
    if (typeof tag === 'object' && tag !== null && 'Key' in tag) {
      tags.set(String(tag.Key), 'Value' in tag && tag.Value !== undefined && tag.Value !== null ? String(tag.Value) : '');
    }
  }
  return tags;
}
