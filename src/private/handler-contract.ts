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
  /** `'true'` when the tracker's removal policy retains it, so replacement must never delete it. */
  RETAIN_ON_REPLACEMENT: 'RetainOnReplacement',
} as const;

/** Keys of the Data the handler returns, read with Fn::GetAtt. */
export const AttributeKey = {
  TRACKING_ID: 'TrackingId',
  EVENT_TRACKER_ARN: 'EventTrackerArn',
  EVENT_TRACKER_NAME: 'EventTrackerName',
} as const;

/**
 * The tag by which the handler proves that a tracker is its own: it adds it to every tracker it
 * creates, never removes it, and changes or deletes no tracker without it (or without being its
 * physical id). User tags may not use this key; it counts against Personalize's 50 tags.
 */
export const OWNERSHIP_TAG_KEY = 'cdk-personalize-event-tracker:owner';

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
  readonly [ResourcePropertyKey.RETAIN_ON_REPLACEMENT]?: string;
}
