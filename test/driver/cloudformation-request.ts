import { randomBytes, randomUUID } from 'crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** Properties as written in the template (numbers, booleans, nested values). */
export type TemplateProperties = Record<string, unknown>;
/** A property value as CloudFormation delivers it: strings at the leaves. */
export type DeliveredValue = string | DeliveredValue[] | { [key: string]: DeliveredValue };

/** Where the custom resource lives. */
export interface ResourceIdentity {
  readonly stackId: string;
  readonly logicalResourceId: string;
  readonly resourceType: string;
  readonly serviceToken: string;
  /** The resource's ServiceTimeout property, delivered with ServiceToken in ResourceProperties. */
  readonly serviceTimeout?: string;
  readonly region: string;
}

export interface RequestInput {
  readonly properties: TemplateProperties;
  /** Update only. */
  readonly oldProperties?: TemplateProperties;
  /** Update and Delete. */
  readonly physicalResourceId?: string;
  /** @default a new UUID */
  readonly requestId?: string;
}

/** Numbers and booleans become strings, arrays and objects keep their shape; null/undefined are dropped. */
export function stringifyProperties(properties: TemplateProperties): Record<string, DeliveredValue> {
  return deliver(properties) as Record<string, DeliveredValue>;
}

function deliver(value: unknown): DeliveredValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(deliver).filter((v): v is DeliveredValue => v !== undefined);
  if (typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, deliver(v)] as const);
    return Object.fromEntries(entries.filter((e): e is readonly [string, DeliveredValue] => e[1] !== undefined));
  }
  return String(value);
}

export function stackArn(stackName: string, region: string, account: string): string {
  return `arn:aws:cloudformation:${region}:${account}:stack/${stackName}/${randomUUID()}`;
}

/** A pre-signed S3 PUT URL shaped like CloudFormation's; the signature is random per request. */
export function presignedResponseUrl(identity: ResourceIdentity, requestId: string): string {
  const now = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const key = encodeURIComponent(`${identity.stackId}|${identity.logicalResourceId}|${requestId}`);
  const credential = encodeURIComponent(`AKIA${randomBytes(8).toString('hex').toUpperCase()}/${now.slice(0, 8)}/${identity.region}/s3/aws4_request`);
  return `https://cloudformation-custom-resource-response-${identity.region.replace(/-/g, '')}.s3.${identity.region}.amazonaws.com/${key}`
    + `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${now}&X-Amz-SignedHeaders=host&X-Amz-Expires=7200`
    + `&X-Amz-Credential=${credential}&X-Amz-Signature=${randomBytes(32).toString('hex')}`;
}

export function buildRequest(
  identity: ResourceIdentity, requestType: 'Create' | 'Update' | 'Delete', input: RequestInput,
): CloudFormationCustomResourceEvent {
  const requestId = input.requestId ?? randomUUID();
  const props = (p: TemplateProperties) => ({
    ServiceToken: identity.serviceToken,
    ...identity.serviceTimeout === undefined ? {} : { ServiceTimeout: identity.serviceTimeout },
    ...stringifyProperties(p),
  });
  const common = {
    ServiceToken: identity.serviceToken,
    ResponseURL: presignedResponseUrl(identity, requestId),
    StackId: identity.stackId,
    RequestId: requestId,
    LogicalResourceId: identity.logicalResourceId,
    ResourceType: identity.resourceType,
    ResourceProperties: props(input.properties),
  };
  const physicalResourceId = () => {
    if (!input.physicalResourceId) throw new Error(`${requestType} requires a physicalResourceId`);
    return input.physicalResourceId;
  };
  switch (requestType) {
    case 'Create':
      return { RequestType: 'Create', ...common };
    case 'Update':
      return {
        RequestType: 'Update',
        ...common,
        PhysicalResourceId: physicalResourceId(),
        OldResourceProperties: props(input.oldProperties ?? {}),
      };
    case 'Delete':
      return { RequestType: 'Delete', ...common, PhysicalResourceId: physicalResourceId() };
  }
}
