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

/**
 * The removal policy as the template says it: `default` (the construct renders no RemovalPolicy:
 * DESTROY, or RETAIN with a take-over), `retain` (RemovalPolicy.RETAIN), `destroy` (DESTROY chosen
 * explicitly), `retain-except-on-create` (RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, which the construct
 * renders as CloudFormation's RetainExceptOnCreate).
 */
export type RemovalChoice = 'default' | 'retain' | 'destroy' | 'retain-except-on-create';
export const REMOVAL_CHOICES: readonly RemovalChoice[] = ['default', 'retain', 'destroy', 'retain-except-on-create'];

/** What the template declares for one tracker: the intent the model keeps. */
export interface TrackerSpec {
  readonly name: string;
  /** Index into DATASET_GROUP_NAMES. */
  readonly group: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly policy: RemovalChoice;
  /** takeOverEventTrackerArn: the tracker made outside the stack that the resource took over when it was created. */
  readonly takeOver?: string;
}

const RENDERED: Record<RemovalChoice, string | undefined> = {
  'default': undefined,
  'retain': 'Retain',
  'destroy': 'Destroy',
  'retain-except-on-create': 'RetainExceptOnCreate',
};

/** The resource properties the EventTracker construct renders for a spec. */
export function templateProperties(spec: TrackerSpec, groupArns: readonly string[]): TemplateProperties {
  const tags = Object.entries(spec.tags).sort(([a], [b]) => a.localeCompare(b)).map(([Key, Value]) => ({ Key, Value }));
  const policy = RENDERED[spec.policy];
  return {
    EventTrackerName: spec.name,
    DatasetGroupArn: groupArns[spec.group],
    ...(tags.length > 0 ? { Tags: tags } : {}),
    ...(policy ? { RemovalPolicy: policy } : {}),
    ...(spec.takeOver ? { TakeOverEventTrackerArn: spec.takeOver } : {}),
  };
}

/** The spec CloudFormation holds, read back from the properties it last accepted. */
export function specOf(properties: TemplateProperties, groupArns: readonly string[]): TrackerSpec {
  const tags = (properties.Tags as Array<{ Key: string; Value: string }> | undefined) ?? [];
  const policy = REMOVAL_CHOICES.find((choice) => RENDERED[choice] === properties.RemovalPolicy) ?? 'default';
  return {
    name: String(properties.EventTrackerName),
    group: groupArns.indexOf(String(properties.DatasetGroupArn)),
    tags: Object.fromEntries(tags.map((tag) => [tag.Key, tag.Value])),
    policy,
    ...(properties.TakeOverEventTrackerArn !== undefined ? { takeOver: String(properties.TakeOverEventTrackerArn) } : {}),
  };
}

export function sameSpec(a: TrackerSpec, b: TrackerSpec): boolean {
  return a.name === b.name && a.group === b.group && sameTags(a.tags, b.tags) && a.policy === b.policy && a.takeOver === b.takeOver;
}

export function describeSpec(spec: TrackerSpec): string {
  const tags = Object.entries(spec.tags).map(([k, v]) => `${k}=${v}`).join(',');
  const policy = spec.policy === 'default' ? '' : ` ${spec.policy === 'retain-except-on-create' ? 'RETAIN_ON_UPDATE_OR_DELETE' : spec.policy.toUpperCase()}`;
  const takeOver = spec.takeOver ? ` takeOver=${shortArn(spec.takeOver)}` : '';
  return `${spec.name}@${DATASET_GROUP_NAMES[spec.group] ?? `group#${spec.group}`}${tags ? `[${tags}]` : ''}${policy}${takeOver}`;
}

export function shortArn(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

export function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
