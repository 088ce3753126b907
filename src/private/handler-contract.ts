/**
 * The contract between the EventTracker construct and its custom resource handler.
 *
 * Both sides import these names, so neither spells a property or attribute key by hand.
 * This file must stay free of aws-cdk-lib imports: it is bundled into the handler.
 */

/** CloudFormation resource type of the custom resource. */
export const EVENT_TRACKER_RESOURCE_TYPE = 'Custom::PersonalizeEventTracker';

/** Keys of the custom resource's ResourceProperties (besides ServiceToken). */
export const ResourcePropertyKey = {
  EVENT_TRACKER_NAME: 'EventTrackerName',
  DATASET_GROUP_ARN: 'DatasetGroupArn',
  /** A list of `{ Key, Value }`, CloudFormation's usual tag shape. */
  TAGS: 'Tags',
  /**
   * The removal policy (values below; absent: DESTROY by default). The handler applies it itself, and
   * releases a tracker it keeps (marks its ownership tag released), since CloudFormation's own
   * DeletionPolicy Retain would keep the Delete from reaching the handler.
   */
  REMOVAL_POLICY: 'RemovalPolicy',
  /** Written by versions before RemovalPolicy: `'true'` meant the same as RemovalPolicy `'Retain'`. */
  RETAIN_ON_REPLACEMENT: 'RetainOnReplacement',
  /** The ARN of an existing tracker to take over (Create only), with the user's consent. */
  TAKE_OVER_EVENT_TRACKER_ARN: 'TakeOverEventTrackerArn',
} as const;

/**
 * The values of ResourcePropertyKey.REMOVAL_POLICY: a kept tracker, DESTROY chosen explicitly, and
 * kept except when the stack operation that brought it in rolls back (CloudFormation's RetainExceptOnCreate).
 */
export const RETAIN = 'Retain';
export const DESTROY = 'Destroy';
export const RETAIN_EXCEPT_ON_CREATE = 'RetainExceptOnCreate';

/** Keys of the Data the handler returns, read with Fn::GetAtt. */
export const AttributeKey = {
  TRACKING_ID: 'TrackingId',
  EVENT_TRACKER_ARN: 'EventTrackerArn',
  EVENT_TRACKER_NAME: 'EventTrackerName',
} as const;

/**
 * The tag by which the handler proves that a tracker is its own: it adds it to every tracker it
 * creates or takes over, never removes it, and changes or deletes no tracker without it. Its value
 * also records what must outlive a request (flags, written in one TagResource call). User tags may
 * not use this key; it counts against Personalize's 50 tags.
 */
export const OWNERSHIP_TAG_KEY = 'cdk-personalize-event-tracker:owner';

/**
 * How versions before the ownership tag's released flag released a kept tracker: this tag replaced
 * the ownership tag. The handler still reads it.
 */
export const RELEASED_TAG_KEY = 'cdk-personalize-event-tracker:released';

/** Tag keys with this prefix are the handler's; user tags may not use it. */
export const HANDLER_TAG_KEY_PREFIX = 'cdk-personalize-event-tracker:';

/** A tag as the construct renders it into the resource properties. */
export interface ResourceTag {
  readonly Key: string;
  readonly Value: string;
}

/** The resource properties as CloudFormation delivers them (every leaf a string). */
export interface EventTrackerResourceProperties {
  readonly [ResourcePropertyKey.EVENT_TRACKER_NAME]: string;
  readonly [ResourcePropertyKey.DATASET_GROUP_ARN]: string;
  readonly [ResourcePropertyKey.TAGS]?: ResourceTag[];
  readonly [ResourcePropertyKey.REMOVAL_POLICY]?: string;
  readonly [ResourcePropertyKey.TAKE_OVER_EVENT_TRACKER_ARN]?: string;
}
