/**
 * Personalize's input rules for an event tracker, as small checks that return problems.
 *
 * Shared by the construct (synth time) and the handler (deploy time, when tokens have resolved),
 * so both reject the same values with the same words. Each message names the value, the rule and
 * the fix. This file must stay free of aws-cdk-lib imports: it is bundled into the handler.
 */

import { HANDLER_TAG_KEY_PREFIX, OWNERSHIP_TAG_KEY } from './handler-contract';

export const EVENT_TRACKER_NAME_MAX_LENGTH = 63;
export const EVENT_TRACKER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;
export const DATASET_GROUP_ARN_MAX_LENGTH = 256;
// The API reference's pattern, anchored: Personalize matches the whole value.
export const DATASET_GROUP_ARN_PATTERN = /^arn:([a-z\d-]+):personalize:.*:.*:.+$/;
/** Personalize allows 50 tags per resource; the handler adds its ownership tag to them. */
export const MAX_TAGS = 49;
export const TAG_KEY_MAX_LENGTH = 128;
export const TAG_VALUE_MAX_LENGTH = 256;
export const RESERVED_TAG_KEY_PREFIX = 'aws:';
// The Tag API reference's pattern for keys and values.
export const TAG_PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

export function eventTrackerNameProblems(name: string): string[] {
  if (name.length === 0) {
    return ['eventTrackerName is empty; Personalize needs 1 to 63 characters. Give a name, or omit eventTrackerName to get a generated one.'];
  }
  const problems: string[] = [];
  if (name.length > EVENT_TRACKER_NAME_MAX_LENGTH) {
    problems.push(`eventTrackerName '${name}' is ${name.length} characters long; Personalize allows at most ${EVENT_TRACKER_NAME_MAX_LENGTH}. Shorten it, or omit eventTrackerName to get a generated one.`);
  }
  if (!EVENT_TRACKER_NAME_PATTERN.test(name)) {
    problems.push(`eventTrackerName '${name}' does not match ${EVENT_TRACKER_NAME_PATTERN.source}: only letters, digits, '-' and '_', starting with a letter or digit. Use for example '${suggestName(name)}'.`);
  }
  return problems;
}

export function datasetGroupArnProblems(arn: string): string[] {
  const problems: string[] = [];
  if (arn.length > DATASET_GROUP_ARN_MAX_LENGTH) {
    problems.push(`datasetGroupArn '${arn}' is ${arn.length} characters long; Personalize allows at most ${DATASET_GROUP_ARN_MAX_LENGTH}. Pass the ARN of an existing dataset group.`);
  }
  if (!DATASET_GROUP_ARN_PATTERN.test(arn)) {
    problems.push(`datasetGroupArn '${arn}' is not a Personalize ARN: it must match ${DATASET_GROUP_ARN_PATTERN.source}, e.g. 'arn:aws:personalize:us-east-1:123456789012:dataset-group/my-group'. Pass a CfnDatasetGroup, or ExistingDatasetGroup.fromDatasetGroupArn() with the dataset group's ARN.`);
  }
  return problems;
}

// The ARN an event tracker has: Personalize ends it in an id it generates, not in the name.
export const EVENT_TRACKER_ARN_PATTERN = /^arn:([a-z\d-]+):personalize:[a-z\d-]+:\d{12}:event-tracker\/[^/\s]+$/;

export function eventTrackerArnProblems(arn: string): string[] {
  return EVENT_TRACKER_ARN_PATTERN.test(arn) ? [] : [
    `takeOverEventTrackerArn '${arn}' is not an event tracker ARN: it must match ${EVENT_TRACKER_ARN_PATTERN.source}, e.g. 'arn:aws:personalize:us-east-1:123456789012:event-tracker/d2e0162e'. Copy it from \`aws personalize list-event-trackers\` or the Personalize console.`,
  ];
}

/** Checks tags given as [key, value] pairs; the count rule applies to the whole list. */
export function tagProblems(tags: ReadonlyArray<readonly [string, string]>): string[] {
  const problems: string[] = [];
  if (tags.length > MAX_TAGS) {
    problems.push(`The event tracker has ${tags.length} tags; at most ${MAX_TAGS} are allowed (Personalize allows 50, and the handler adds its ownership tag '${OWNERSHIP_TAG_KEY}'). Remove ${tags.length - MAX_TAGS} of them (from the tags prop or Tags.of(...).add()).`);
  }
  for (const [key, value] of tags) {
    if (key.length === 0) {
      problems.push(`A tag key is empty (its value is '${value}'); Personalize needs tag keys of 1 to ${TAG_KEY_MAX_LENGTH} characters. Give the tag a key or remove it.`);
    }
    if (key.length > TAG_KEY_MAX_LENGTH) {
      problems.push(`Tag key '${key}' is ${key.length} characters long; Personalize allows at most ${TAG_KEY_MAX_LENGTH}. Shorten the key.`);
    }
    if (key.toLowerCase().startsWith(RESERVED_TAG_KEY_PREFIX)) {
      problems.push(`Tag key '${key}' starts with '${RESERVED_TAG_KEY_PREFIX}', a prefix reserved for AWS. Choose a key without it.`);
    }
    if (key.startsWith(HANDLER_TAG_KEY_PREFIX)) {
      problems.push(`Tag key '${key}' starts with '${HANDLER_TAG_KEY_PREFIX}', the prefix of the handler's own tags (${OWNERSHIP_TAG_KEY} proves which trackers this stack created). Choose another key.`);
    }
    if (!TAG_PATTERN.test(key)) {
      problems.push(`Tag key '${key}' has characters Personalize does not allow in tags: it must match ${TAG_PATTERN.source} (letters, numbers, spaces and _ . : / = + - @). Replace the others, e.g. '${suggestTag(key)}'.`);
    }
    if (!TAG_PATTERN.test(value)) {
      problems.push(`The value '${value}' of tag '${key}' has characters Personalize does not allow in tags: it must match ${TAG_PATTERN.source} (letters, numbers, spaces and _ . : / = + - @). Replace the others, e.g. '${suggestTag(value)}'.`);
    }
    if (value.length > TAG_VALUE_MAX_LENGTH) {
      problems.push(`The value of tag '${key}' is ${value.length} characters long; Personalize allows at most ${TAG_VALUE_MAX_LENGTH}. Shorten the value.`);
    }
  }
  return problems;
}

function suggestTag(text: string): string {
  return text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_');
}

function suggestName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9\-_]/g, '-').replace(/^[^a-zA-Z0-9]+/, '');
  return (cleaned || 'event-tracker').slice(0, EVENT_TRACKER_NAME_MAX_LENGTH);
}
