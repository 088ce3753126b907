import { randomUUID } from 'crypto';
import { addRoute, HttpAnswer } from './local-endpoint';
import { preciseNow } from '../helpers/precise-clock';

/** A stack as DescribeStacks shows it, with its status read at the moment of the call. */
export interface DescribedStack {
  readonly stackId: string;
  readonly stackName: string;
  readonly creationTime: Date;
  status(): string;
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
const calls: DescribeStacksCall[] = [];

/** From now on, DescribeStacks of this StackId (or of its name, while live) answers from `stack`. */
export function claimStack(stack: DescribedStack): void {
  for (const [id, ref] of stacks) if (!ref.deref()) stacks.delete(id);
  stacks.set(stack.stackId, new WeakRef(stack));
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

// CloudFormation's API (AWS Query: a form-encoded POST, XML answers): DescribeStacks of one stack.
addRoute((call) => {
  if (call.method !== 'POST' || !/^Action=|&Action=/.test(call.body)) return undefined;
  const form = new URLSearchParams(call.body);
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
