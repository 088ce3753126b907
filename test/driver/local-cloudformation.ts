import { randomUUID } from 'crypto';
import { addRoute, HttpAnswer } from './local-endpoint';
import { preciseNow } from '../helpers/precise-clock';

/** A stack as DescribeStacks shows it, with its status read at the moment of the call. */
export interface DescribedStack {
  readonly stackId: string;
  readonly stackName: string;
  readonly creationTime: Date;
  status(): string;
  /** The custom resource it holds, as DescribeStackResource shows it (undefined: the stack has no such resource). */
  resource(logicalId: string): { readonly physicalResourceId?: string; readonly status: string; readonly type: string } | undefined;
}

/** One DescribeStacks call, as the local CloudFormation API answered it. */
export interface DescribeStacksCall {
  readonly at: number;
  readonly stackName: string;
  /** The status answered, or the error code. */
  readonly answer: string;
}

// By StackId; several driver stacks may stand for one CloudFormation stack (the model's resources):
// the one that claimed it last, the one running an operation, answers. Held weakly: a stack nobody
// holds any more (a finished test's) is forgotten with its timeline.
const stacks = new Map<string, WeakRef<DescribedStack>>();
/** By `<StackId>|<LogicalResourceId>`: the driver stack that holds that resource. */
const resources = new Map<string, WeakRef<DescribedStack>>();
const calls: DescribeStacksCall[] = [];

/** From now on, DescribeStacks of this StackId (or of its name, while live) answers from `stack`. */
export function claimStack(stack: DescribedStack, logicalId?: string): void {
  for (const [id, ref] of stacks) if (!ref.deref()) stacks.delete(id);
  for (const [key, ref] of resources) if (!ref.deref()) resources.delete(key);
  stacks.set(stack.stackId, new WeakRef(stack));
  if (logicalId !== undefined) resources.set(`${stack.stackId}|${logicalId}`, new WeakRef(stack));
}

/** Every DescribeStacks call so far in this process (test file), oldest first. */
export function describeStacksCalls(stackName?: string): DescribeStacksCall[] {
  return calls.filter((c) => stackName === undefined || c.stackName === stackName || c.stackName.split('/')[1] === stackName);
}

function find(nameOrId: string): DescribedStack | undefined {
  if (nameOrId.startsWith('arn:')) return stacks.get(nameOrId)?.deref();
  // By name: only a stack that is not deleted (a deleted one is found by its StackId only).
  const live = [...stacks.values()].map((ref) => ref.deref()).filter((s): s is DescribedStack => s !== undefined);
  return live.reverse().find((s) => s.stackName === nameOrId && s.status() !== 'DELETE_COMPLETE');
}

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function queryError(code: string, message: string): HttpAnswer {
  const body = `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error>`
    + `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  return { status: 400, headers: { 'content-type': 'text/xml' }, body };
}

// CloudFormation's API (AWS Query: a form-encoded POST, XML answers): DescribeStacks of one stack,
// DescribeStackResource of one of its resources.
addRoute((call) => {
  if (call.method !== 'POST' || !/^Action=|&Action=/.test(call.body)) return undefined;
  const form = new URLSearchParams(call.body);
  if (form.get('Action') === 'DescribeStackResource') return describeStackResource(form);
  if (form.get('Action') !== 'DescribeStacks') return queryError('InvalidAction', `${form.get('Action')} is not served locally`);
  const name = form.get('StackName') ?? '';
  const stack = find(name);
  const status = stack?.status();
  calls.push({ at: preciseNow(), stackName: name, answer: status ?? 'ValidationError' });
  if (!stack || !status) return queryError('ValidationError', `Stack with id ${name} does not exist`);
  const member = `<member><StackId>${xml(stack.stackId)}</StackId><StackName>${xml(stack.stackName)}</StackName>`
    + `<CreationTime>${stack.creationTime.toISOString()}</CreationTime><StackStatus>${status}</StackStatus></member>`;
  const body = `<DescribeStacksResponse xmlns="${XMLNS}"><DescribeStacksResult><Stacks>${member}</Stacks></DescribeStacksResult>`
    + `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
});

function describeStackResource(form: URLSearchParams): HttpAnswer {
  const name = form.get('StackName') ?? '';
  const logicalId = form.get('LogicalResourceId') ?? '';
  const stack = find(name);
  const holder = stack && resources.get(`${stack.stackId}|${logicalId}`)?.deref();
  const resource = holder?.resource(logicalId);
  calls.push({ at: preciseNow(), stackName: name, answer: resource ? `${logicalId}: ${resource.status}` : 'ValidationError' });
  if (!stack) return queryError('ValidationError', `Stack with id ${name} does not exist`);
  if (!resource) return queryError('ValidationError', `Resource ${logicalId} does not exist for stack ${name}`);
  const detail = `<StackId>${xml(stack.stackId)}</StackId><StackName>${xml(stack.stackName)}</StackName><LogicalResourceId>${xml(logicalId)}</LogicalResourceId>`
    + (resource.physicalResourceId ? `<PhysicalResourceId>${xml(resource.physicalResourceId)}</PhysicalResourceId>` : '')
    + `<ResourceType>${xml(resource.type)}</ResourceType><LastUpdatedTimestamp>${new Date().toISOString()}</LastUpdatedTimestamp>`
    + `<ResourceStatus>${resource.status}</ResourceStatus>`;
  const body = `<DescribeStackResourceResponse xmlns="${XMLNS}"><DescribeStackResourceResult><StackResourceDetail>${detail}</StackResourceDetail>`
    + `</DescribeStackResourceResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStackResourceResponse>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}
