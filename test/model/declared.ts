import type { TemplateProperties } from '../driver';

/**
 * The small world every history plays in: one stack of up to three trackers, four dataset groups
 * and six names, so that collisions (a name or a group someone else holds) happen often.
 */
export const LOGICAL_IDS = ['TrackerA', 'TrackerB', 'TrackerC'] as const;
export const DATASET_GROUP_NAMES = ['shop', 'books', 'music', 'films'] as const;
export const TRACKER_NAMES = ['clicks', 'views', 'carts', 'likes', 'plays', 'rates'] as const;
export const TAG_KEYS = ['team', 'env', 'cost'] as const;
export const TAG_VALUES = ['a', 'b'] as const;
export const STACK_NAME = 'ModelStack';

export type LogicalId = typeof LOGICAL_IDS[number];

/** What the template declares for one tracker: the intent the model keeps. */
export interface TrackerSpec {
  readonly name: string;
  /** Index into DATASET_GROUP_NAMES. */
  readonly group: number;
  readonly tags: Readonly<Record<string, string>>;
  /** RemovalPolicy.RETAIN, as the construct renders it: RemovalPolicy 'Retain' for the handler, which keeps the tracker itself. */
  readonly retain: boolean;
}

/** The resource properties the EventTracker construct renders for a spec. */
export function templateProperties(spec: TrackerSpec, groupArns: readonly string[]): TemplateProperties {
  const tags = Object.entries(spec.tags).sort(([a], [b]) => a.localeCompare(b)).map(([Key, Value]) => ({ Key, Value }));
  return {
    EventTrackerName: spec.name,
    DatasetGroupArn: groupArns[spec.group],
    ...(tags.length > 0 ? { Tags: tags } : {}),
    ...(spec.retain ? { RemovalPolicy: 'Retain' } : {}),
  };
}

/** The spec CloudFormation holds, read back from the properties it last accepted. */
export function specOf(properties: TemplateProperties, groupArns: readonly string[]): TrackerSpec {
  const tags = (properties.Tags as Array<{ Key: string; Value: string }> | undefined) ?? [];
  return {
    name: String(properties.EventTrackerName),
    group: groupArns.indexOf(String(properties.DatasetGroupArn)),
    tags: Object.fromEntries(tags.map((tag) => [tag.Key, tag.Value])),
    retain: properties.RemovalPolicy === 'Retain' || properties.RetainOnReplacement === 'true',
  };
}

export function describeSpec(spec: TrackerSpec): string {
  const tags = Object.entries(spec.tags).map(([k, v]) => `${k}=${v}`).join(',');
  return `${spec.name}@${DATASET_GROUP_NAMES[spec.group]}${tags ? `[${tags}]` : ''}${spec.retain ? ' RETAIN' : ''}`;
}

export function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
