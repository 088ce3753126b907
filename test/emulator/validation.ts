import { invalidInput, ServiceError } from './service-error';

/** A parsed JSON request body. */
export type JsonObject = Record<string, unknown>;

export interface Tag {
  readonly tagKey: string;
  readonly tagValue: string;
}

export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;
// The documented pattern is unanchored; the service matches the whole value, so anchor it here.
export const ARN_PATTERN = /^arn:([a-z\d-]+):personalize:.*:.*:.+$/;
const MAX_TAGS = 50;
const MAX_TAG_KEYS = 50;
const MAX_RESULTS_DEFAULT = 100;

function violation(field: string, value: unknown, constraint: string): ServiceError {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return invalidInput(`1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`);
}

export function optionalString(input: JsonObject, field: string, maxLength = 256): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw violation(field, value, 'Member must be a string');
  if (value.length > maxLength) throw violation(field, value, `Member must have length less than or equal to ${maxLength}`);
  return value;
}

export function requiredString(input: JsonObject, field: string, maxLength = 256): string {
  const value = optionalString(input, field, maxLength);
  if (value === undefined) throw violation(field, value, 'Member must not be null');
  if (value.length === 0) throw violation(field, value, 'Member must have length greater than or equal to 1');
  return value;
}

/** Event tracker and dataset group names: 1-63 characters, alphanumeric start, then alphanumerics, `-` and `_`. */
export function resourceName(input: JsonObject, field = 'name'): string {
  const value = requiredString(input, field, 63);
  if (!NAME_PATTERN.test(value)) throw violation(field, value, `Member must satisfy regular expression pattern: ${NAME_PATTERN.source}`);
  return value;
}

export function optionalArn(input: JsonObject, field: string): string | undefined {
  const value = optionalString(input, field, 256);
  if (value !== undefined && !ARN_PATTERN.test(value)) {
    throw violation(field, value, 'Member must satisfy regular expression pattern: arn:([a-z\\d-]+):personalize:.*:.*:.+');
  }
  return value;
}

export function requiredArn(input: JsonObject, field: string): string {
  const value = optionalArn(input, field);
  if (value === undefined) throw violation(field, value, 'Member must not be null');
  return value;
}

/** `maxResults` of a List call: 1-100, default 100. */
export function maxResults(input: JsonObject): number {
  const value = input.maxResults;
  if (value === undefined || value === null) return MAX_RESULTS_DEFAULT;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw violation('maxResults', value, 'Member must be an integer');
  if (value < 1) throw violation('maxResults', value, 'Member must have value greater than or equal to 1');
  if (value > 100) throw violation('maxResults', value, 'Member must have value less than or equal to 100');
  return value;
}

function tagKey(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw violation(field, value, 'Member must have length greater than or equal to 1');
  if (value.length > 128) throw violation(field, value, 'Member must have length less than or equal to 128');
  if (value.toLowerCase().startsWith('aws:')) throw invalidInput(`Tag keys starting with 'aws:' are reserved for system use: ${value}`);
  return value;
}

/** A `tags` list: at most 50 (else TooManyTagsException), keys 1-128 and not `aws:`, values 0-256, no duplicate keys. */
export function tagList(input: JsonObject, field = 'tags'): Tag[] {
  const value = input[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw violation(field, value, 'Member must be a list');
  if (value.length > MAX_TAGS) throw new ServiceError('TooManyTagsException', `Too many tags: ${value.length} (maximum ${MAX_TAGS})`);
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const tag = (typeof entry === 'object' && entry !== null ? entry : {}) as JsonObject;
    const key = tagKey(tag.tagKey, `${field}.${index + 1}.member.tagKey`);
    const tagValue = tag.tagValue;
    if (typeof tagValue !== 'string') throw violation(`${field}.${index + 1}.member.tagValue`, tagValue, 'Member must not be null');
    if (tagValue.length > 256) throw violation(`${field}.${index + 1}.member.tagValue`, tagValue, 'Member must have length less than or equal to 256');
    if (seen.has(key)) throw invalidInput(`Duplicate tag key: ${key}`);
    seen.add(key);
    return { tagKey: key, tagValue };
  });
}

/** The `tagKeys` of UntagResource: 1-50 keys (more is TooManyTagKeysException), each 1-128 characters. */
export function tagKeyList(input: JsonObject, field = 'tagKeys'): string[] {
  const value = input[field];
  if (value === undefined || value === null) throw violation(field, value, 'Member must not be null');
  if (!Array.isArray(value)) throw violation(field, value, 'Member must be a list');
  if (value.length > MAX_TAG_KEYS) throw new ServiceError('TooManyTagKeysException', `Too many tag keys: ${value.length} (maximum ${MAX_TAG_KEYS})`);
  return value.map((key: unknown, index) => tagKey(key, `${field}.${index + 1}.member`));
}
