import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { Owner } from './proof';
import { DESTROY, ResourcePropertyKey, RETAIN, RETAIN_EXCEPT_ON_CREATE } from '../../src/private/handler-contract';
import { datasetGroupArnProblems, eventTrackerArnProblems, eventTrackerNameProblems, tagProblems } from '../../src/private/validation-rules';

/** What happens to a tracker of the stack's when it leaves the stack or is replaced. */
export interface Removal {
  readonly policy: 'destroy' | 'retain' | 'retain-except-on-create';
  /** The template names the policy (a take-over's tracker is kept unless DESTROY is chosen explicitly). */
  readonly explicit: boolean;
}

/** A tracker as a template declares it. */
export interface Declared {
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly tags: ReadonlyMap<string, string>;
  readonly removal: Removal;
  readonly takeOverArn?: string;
}

/** One CloudFormation request, parsed: the decision needs nothing else from the event. */
export interface Request {
  readonly type: 'Create' | 'Update' | 'Delete';
  readonly requestId: string;
  readonly owner: Owner;
  /** The physical id CloudFormation holds (Update, Delete). */
  readonly physicalId?: string;
  /** Create and Update: the tracker asked for. */
  readonly declared?: Declared;
  /** Update: what the template declared before. Delete: the tracker leaving. Lenient: an older version may have written fewer keys. */
  readonly previous?: Lenient;
}

export type Lenient = Partial<Declared> & Pick<Declared, 'tags' | 'removal'>;

type Properties = Record<string, unknown> | undefined;

/** Fails, naming every problem, on properties the construct would have rejected at synth time. */
export class InvalidProperties extends Error {
  constructor(problems: readonly string[]) {
    super(`Invalid event tracker properties: ${problems.join(' ')}`);
    this.name = 'InvalidProperties';
    this.stack = `${this.name}: ${this.message}`;
  }
}

export function parseRequest(event: CloudFormationCustomResourceEvent): Request {
  const common = {
    type: event.RequestType,
    requestId: event.RequestId,
    owner: { stackId: event.StackId, logicalResourceId: event.LogicalResourceId },
    physicalId: event.RequestType === 'Create' ? undefined : event.PhysicalResourceId,
  };
  switch (event.RequestType) {
    case 'Create':
      return { ...common, declared: parseDeclared(event.ResourceProperties) };
    case 'Update':
      return { ...common, declared: parseDeclared(event.ResourceProperties), previous: parseLeniently(event.OldResourceProperties) };
    case 'Delete':
      return { ...common, previous: parseLeniently(event.ResourceProperties) };
  }
}

/** Strict, with the construct's own rules, for the properties a Create or Update asks for. */
export function parseDeclared(properties: Properties): Declared {
  const declared = parseLeniently(properties);
  const { name, datasetGroupArn, takeOverArn } = declared;
  const problems = [
    ...(name === undefined ? [missing(ResourcePropertyKey.EVENT_TRACKER_NAME)] : eventTrackerNameProblems(name)),
    ...(datasetGroupArn === undefined ? [missing(ResourcePropertyKey.DATASET_GROUP_ARN)] : datasetGroupArnProblems(datasetGroupArn)),
    ...tagProblems([...declared.tags]),
    ...(takeOverArn === undefined ? [] : eventTrackerArnProblems(takeOverArn)),
    ...removalProblems(properties),
  ];
  if (problems.length > 0) {
    throw new InvalidProperties(problems);
  }
  return declared as Declared;
}

function parseLeniently(properties: Properties): Lenient {
  const takeOverArn = text(properties, ResourcePropertyKey.TAKE_OVER_EVENT_TRACKER_ARN);
  return {
    name: text(properties, ResourcePropertyKey.EVENT_TRACKER_NAME),
    datasetGroupArn: text(properties, ResourcePropertyKey.DATASET_GROUP_ARN),
    tags: parseTags(properties?.[ResourcePropertyKey.TAGS]),
    removal: parseRemoval(properties, takeOverArn),
    takeOverArn,
  };
}

function parseRemoval(properties: Properties, takeOverArn: string | undefined): Removal {
  const policy = text(properties, ResourcePropertyKey.REMOVAL_POLICY);
  if (policy === DESTROY) {
    return { policy: 'destroy', explicit: true };
  }
  if (policy === RETAIN_EXCEPT_ON_CREATE) {
    return { policy: 'retain-except-on-create', explicit: true };
  }
  // Versions before RemovalPolicy wrote RetainOnReplacement, and kept every taken-over tracker.
  const retained = policy === RETAIN || text(properties, ResourcePropertyKey.RETAIN_ON_REPLACEMENT) === 'true' || takeOverArn !== undefined;
  return { policy: retained ? 'retain' : 'destroy', explicit: policy === RETAIN };
}

function removalProblems(properties: Properties): string[] {
  const policy = text(properties, ResourcePropertyKey.REMOVAL_POLICY);
  return policy === undefined || [RETAIN, DESTROY, RETAIN_EXCEPT_ON_CREATE].includes(policy) ? []
    : [`${ResourcePropertyKey.REMOVAL_POLICY} '${policy}' is not one of '${RETAIN}', '${DESTROY}', '${RETAIN_EXCEPT_ON_CREATE}'; the EventTracker construct writes one of them.`];
}

function missing(key: string): string {
  return `The property ${key} is missing; the EventTracker construct always sets it.`;
}

function text(properties: Properties, key: string): string | undefined {
  const value = properties?.[key];
  return value === undefined || value === null ? undefined : String(value);
}

function parseTags(value: unknown): Map<string, string> {
  const tags = new Map<string, string>();
  for (const tag of Array.isArray(value) ? value : []) {
    if (typeof tag === 'object' && tag !== null && 'Key' in tag) {
      tags.set(String(tag.Key), 'Value' in tag && tag.Value !== undefined && tag.Value !== null ? String(tag.Value) : '');
    }
  }
  return tags;
}
