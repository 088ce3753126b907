import { randomBytes } from 'crypto';
import { resolve } from 'path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { listenForResponses, loadFramework, ResponsePut, stopListening } from './aws-cdk-lib-framework';
import { Faults } from './faults';
import type { LambdaHandler } from './lambda-context';
import { deployFunction, invoke, LambdaInvocation, removeFunction, stillRunning } from './local-lambda';
import { deployStateMachine, execution, removeStateMachine, StartExecutionCall } from './local-step-functions';
import type { LogLine } from './log-capture';
import { FunctionDeclaration, ProviderDeclaration, readProvider, resolveIntrinsics, Template } from './provider-template';
import type { CloudFormationResponse, InvocationEntry, ResponseEntry, StartExecutionEntry, TimelineEntry } from './timeline';
import { preciseNow } from '../helpers/precise-clock';

export const CREATE_FAILED_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
export const MAX_RESPONSE_BYTES = 4096;

/**
 * Under compressed time, each deadline (a Lambda timeout, ServiceTimeout) gets this much on top of
 * its scaled value: part of every invocation does not shrink (loading modules, the AWS SDK's request
 * timeouts and the backoff of calls that are not time-scaled, such as the framework's own SDK retries,
 * a busy machine). Added rather than used as a floor, so that the template's order of deadlines
 * holds (framework 15 min > onEvent > isComplete; ServiceTimeout > onEvent + the waiter's total).
 */
export const DEADLINE_ALLOWANCE_MS = 10_000;
/**
 * And ServiceTimeout this much more per poll of the waiter: each poll's invocations take real time
 * that does not shrink (the Lambda and Step Functions hops, the handler's calls), while the poll
 * interval does, so the waiter's 240 polls would otherwise outlast CloudFormation's patience on a
 * busy machine, which in AWS they never do (20 min of polls against a 35 min ServiceTimeout).
 */
export const SERVICE_TIMEOUT_ALLOWANCE_PER_POLL_MS = 100;

/** Lambda retries a failed asynchronous invocation twice, after about 1 and then 2 minutes (Lambda developer guide, "Asynchronous invocation"). */
const ASYNC_RETRY_WAITS_MS = [60_000, 120_000];

export interface LocalProviderOptions {
  /** The synthesized template holding the custom resource and its Provider. */
  readonly template: Template;
  /** The custom resource's logical id, when the template has several. */
  readonly customResource?: string;
  /** The user functions' module file (their code is an asset of the synthesized app). */
  readonly userCode: (fn: FunctionDeclaration) => string;
  /** Names the functions as CloudFormation would (`<stack>-<logicalId>-<suffix>`). @default 'TestStack' */
  readonly stackName?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly account?: string;
  /** Multiplies every duration the template declares (Retry intervals, Lambda timeouts, ServiceTimeout). @default 1 */
  readonly timeScale?: number;
  /** Replaces the template's (scaled) timeout of a user function, in ms. */
  readonly userFunctionTimeoutMs?: { readonly onEvent?: number; readonly isComplete?: number };
  /** Also let the functions' output through to the real console. @default false */
  readonly echoLogs?: boolean;
  /** Shared with a stack so that everything lands in one ordered record. @default a new array */
  readonly timeline?: TimelineEntry[];
}

/** What one delivery of a request led to. */
export interface SendResult extends ResponseEntry {
  /** The user functions' invocations for this request while the delivery ran its course. */
  readonly invocations: InvocationEntry[];
  /** Its StartExecution found the request's waiter execution running with the same input, and joined it. */
  readonly joinedRunningExecution: boolean;
}

type Role = 'onEvent' | 'isComplete' | 'onTimeout';

/**
 * A Provider deployed locally from a synthesized template: aws-cdk-lib's framework functions, the
 * user functions (in-process), and the waiter state machine run by aws-local-stepfunctions.
 */
export class LocalProvider {
  readonly declaration: ProviderDeclaration;
  readonly timeline: TimelineEntry[];
  readonly faults = new Faults();
  readonly serviceToken: string;
  readonly stateMachineArn?: string;
  /** isComplete's poll interval (the waiter's Retry IntervalSeconds), scaled, in ms. */
  readonly queryInterval: number;
  /** Retries of isComplete after its first call (the waiter's Retry MaxAttempts). */
  readonly maxAttempts: number;
  /** queryInterval x maxAttempts, in ms. */
  readonly totalTimeout: number;
  /** How long CloudFormation waits for an answer (the resource's ServiceTimeout), scaled, in ms. */
  readonly serviceTimeoutMs: number;
  readonly timeScale: number;
  /** ARN and timeout (ms) of each function. */
  readonly functions: Record<'frameworkOnEvent' | 'frameworkIsComplete' | 'frameworkOnTimeout' | 'onEvent' | 'isComplete', { arn: string; timeoutMs: number } | undefined>;
  private readonly roles = new Map<string, { role: Role; framework: boolean }>();
  private readonly acceptedUrls = new Map<string, ResponseEntry>();
  private readonly waiting = new Map<string, Array<(entry: ResponseEntry) => void>>();
  private readonly responseUrls = new Set<string>();
  private readonly putCallers = new Map<ResponseEntry, string>();
  private readonly isCompleteCalls = new Map<string, number>();

  constructor(options: LocalProviderOptions) {
    const declaration = readProvider(options.template, options.customResource);
    this.declaration = declaration;
    this.timeline = options.timeline ?? [];
    this.timeScale = options.timeScale ?? 1;
    const region = options.region ?? 'us-east-1';
    const account = options.account ?? '123456789012';
    const stackName = options.stackName ?? 'TestStack';
    // Physical names as CloudFormation makes them: unique, so that stacks of one name do not collide.
    const physicalName = (logicalId: string) => `${`${stackName}-${logicalId}`.slice(0, 51)}-${randomBytes(6).toString('hex').toUpperCase()}`;
    const names = new Map<string, string>();
    const nameOf = (logicalId: string) => names.get(logicalId) ?? names.set(logicalId, physicalName(logicalId)).get(logicalId)!;
    const arnOf = (logicalId: string) => (declaration.stateMachine?.logicalId === logicalId
      ? `arn:aws:states:${region}:${account}:stateMachine:${nameOf(logicalId)}`
      : `arn:aws:lambda:${region}:${account}:function:${nameOf(logicalId)}`);
    const refOf = (id: string) => (id === declaration.stateMachine?.logicalId ? arnOf(id) : nameOf(id));
    const resolveValue = (value: unknown): unknown => resolveIntrinsics(value, arnOf, refOf, { region, account, stackName });

    const framework = loadFramework();
    const deploy = (
      fn: FunctionDeclaration | undefined, role: Role, isFramework: boolean, handler: () => LambdaHandler, timeoutOverride?: number,
    ) => {
      if (!fn) return undefined;
      const arn = arnOf(fn.logicalId);
      const timeoutMs = timeoutOverride ?? this.deadline(fn.timeoutSeconds * 1000);
      this.roles.set(arn, { role, framework: isFramework });
      // Loaded now, as the old driver did, so that the first request does not pay for it.
      const loaded = handler();
      deployFunction({
        arn,
        timeoutMs,
        environment: resolveValue(fn.environment) as Record<string, string>,
        handler: () => loaded,
        echoLogs: options.echoLogs,
        faults: isFramework ? undefined : this.faults,
        observe: (invocation) => this.recordInvocation(invocation),
      });
      return { arn, timeoutMs };
    };
    const userHandler = (fn: FunctionDeclaration) => (): LambdaHandler => {
      const [file, exportName] = splitHandler(fn.handler);
      const path = resolve(options.userCode(fn));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const handler = require(path)[exportName];
      if (typeof handler !== 'function') throw new Error(`${path} does not export a function "${exportName}" (Handler ${file}.${exportName})`);
      return handler;
    };
    const { user, framework: fw } = declaration;
    this.functions = {
      frameworkOnEvent: deploy(fw.onEvent, 'onEvent', true, () => framework.onEvent),
      frameworkIsComplete: deploy(fw.isComplete, 'isComplete', true, () => framework.isComplete),
      frameworkOnTimeout: deploy(fw.onTimeout, 'onTimeout', true, () => framework.onTimeout),
      onEvent: deploy(user.onEvent, 'onEvent', false, userHandler(user.onEvent), options.userFunctionTimeoutMs?.onEvent),
      isComplete: deploy(user.isComplete, 'isComplete', false, userHandler(user.isComplete!), options.userFunctionTimeoutMs?.isComplete),
    };
    this.serviceToken = this.functions.frameworkOnEvent!.arn;

    let retry: { IntervalSeconds?: number; MaxAttempts?: number } | undefined;
    if (declaration.stateMachine) {
      const definition = JSON.parse(String(resolveValue(declaration.stateMachine.definitionString)));
      retry = Object.values<any>(definition.States).find((state) => Array.isArray(state.Retry))?.Retry[0];
      this.stateMachineArn = arnOf(declaration.stateMachine.logicalId);
      deployStateMachine({
        arn: this.stateMachineArn,
        definition,
        timeScale: this.timeScale,
        faults: this.faults,
        observe: (call) => this.recordStartExecution(call),
      });
    }
    // The ASL defaults: 1 s, 3 attempts.
    this.queryInterval = (retry?.IntervalSeconds ?? 1) * 1000 * this.timeScale;
    this.maxAttempts = retry ? retry.MaxAttempts ?? 3 : 0;
    this.totalTimeout = this.queryInterval * this.maxAttempts;
    this.serviceTimeoutMs = this.deadline(declaration.customResource.serviceTimeoutSeconds * 1000)
      + (this.timeScale < 1 ? this.maxAttempts * SERVICE_TIMEOUT_ALLOWANCE_PER_POLL_MS : 0);
  }

  /**
   * One delivery of `request` to the ServiceToken, as Lambda runs an asynchronous invocation
   * (retried after a function error), then whatever it led to: its own response (a failure, or the
   * answer of a provider without isComplete), or the response of the waiter execution it started or joined.
   */
  async send(request: CloudFormationCustomResourceEvent): Promise<SendResult> {
    const start = this.timeline.length;
    const attempts = new Set((await this.deliver(request)).map((i) => i.awsRequestId));
    const own = this.responsesAt(request.ResponseURL).filter((r) => attempts.has(this.putCallers.get(r) ?? ''));
    let led = own.filter((r) => r.httpStatus < 400).at(-1) ?? own.at(-1);
    const started = this.timeline.slice(start).filter((e): e is StartExecutionEntry => e.kind === 'start-execution' && attempts.has(e.caller ?? '')).at(-1);
    const outcome = started?.outcome;
    if (!led && (outcome === 'started' || outcome === 'joined')) {
      await execution(this.stateMachineArn!, started!.executionName)?.closed;
      const waiter = this.responsesAt(request.ResponseURL).filter((r) => r.from !== 'onEvent');
      led = waiter.filter((r) => r.httpStatus < 400).at(-1) ?? waiter.at(-1);
    }
    if (!led) throw new Error(`The delivery of ${request.RequestType} ${request.RequestId} led to no response at all`);
    const invocations = this.timeline.slice(start)
      .filter((e): e is InvocationEntry => e.kind === 'invocation' && e.requestId === request.RequestId);
    return { ...led, invocations, joinedRunningExecution: outcome === 'joined' };
  }

  /** Invokes the ServiceToken asynchronously, as CloudFormation does; returns the invocations (with Lambda's retries). */
  async deliver(request: CloudFormationCustomResourceEvent): Promise<LambdaInvocation[]> {
    this.watch(request);
    const delivery = 1 + this.timeline.filter((e) => e.kind === 'request' && e.request.RequestId === request.RequestId).length;
    this.timeline.push({ kind: 'request', at: preciseNow(), request, delivery });
    const invocations: LambdaInvocation[] = [];
    for (const wait of [0, ...ASYNC_RETRY_WAITS_MS]) {
      if (wait > 0) await new Promise((ok) => setTimeout(ok, wait * this.timeScale));
      const invocation = await invoke(this.serviceToken, JSON.stringify(request));
      invocations.push(invocation);
      if (!invocation.result!.functionError) break;
    }
    return invocations;
  }

  /** Records every PUT to the request's ResponseURL from now on. */
  watch(request: CloudFormationCustomResourceEvent): void {
    if (this.responseUrls.has(request.ResponseURL)) return;
    this.responseUrls.add(request.ResponseURL);
    listenForResponses(request.ResponseURL, (put) => this.recordPut(put));
  }

  /** The first response CloudFormation receives at this URL (call watch() first). */
  firstResponse(responseUrl: string): Promise<ResponseEntry> {
    const accepted = this.acceptedUrls.get(responseUrl);
    if (accepted) return Promise.resolve(accepted);
    return new Promise((ok) => this.waiting.set(responseUrl, [...this.waiting.get(responseUrl) ?? [], ok]));
  }

  /** Every PUT to this ResponseURL, in order, including failed and ignored ones. */
  responsesAt(responseUrl: string): ResponseEntry[] {
    return this.timeline.filter((e): e is ResponseEntry => e.kind === 'response' && e.responseUrl === responseUrl);
  }

  /** Settles when every waiter execution started for this RequestId has closed. */
  async untilExecutionCloses(requestId: string): Promise<void> {
    const names = this.timeline.flatMap((e) => (e.kind === 'start-execution' && e.requestId === requestId ? [e.executionName] : []));
    await Promise.all(names.map((name) => execution(this.stateMachineArn!, name)?.closed));
  }

  /**
   * In-process, a function past its Lambda timeout cannot be stopped and may still call services:
   * resolves true once every such run has returned, false if one is still running after `boundMs`.
   */
  async untilTimedOutHandlersReturn(boundMs = 10_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<false>((settle) => { timer = setTimeout(() => settle(false), boundMs); });
    const runs = () => Object.values(this.functions).flatMap((fn) => (fn ? stillRunning(fn.arn) : []));
    try {
      return await Promise.race([(async () => {
        for (let pending = runs(); pending.length > 0; pending = runs()) await Promise.all(pending);
        return true as const;
      })(), bound]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every line the user functions wrote, in order. */
  get logs(): LogLine[] {
    return this.timeline.flatMap((e) => (e.kind === 'invocation' ? e.logs : []));
  }

  /**
   * The user functions' log lines that carry a pre-signed ResponseURL, or its signature, or any
   * X-Amz-Signature. The framework's own lines are not searched: its onTimeout logs the whole event,
   * URL included, but its functions log at level FATAL, so Lambda drops those lines in AWS.
   */
  responseUrlLeaks(): LogLine[] {
    const secrets = [...this.responseUrls].flatMap((url) => [url, new URL(url).searchParams.get('X-Amz-Signature') ?? url]);
    return this.logs.filter((l) => l.text.includes('X-Amz-Signature') || secrets.some((s) => l.text.includes(s)));
  }

  /** Removes the functions and the state machine (after the test): nothing refers to this provider any more. */
  remove(): void {
    Object.values(this.functions).forEach((fn) => fn && removeFunction(fn.arn));
    if (this.stateMachineArn) removeStateMachine(this.stateMachineArn);
    this.responseUrls.forEach(stopListening);
  }

  private deadline(declaredMs: number): number {
    return declaredMs * this.timeScale + (this.timeScale < 1 ? DEADLINE_ALLOWANCE_MS : 0);
  }

  private recordPut(put: ResponsePut): number {
    const httpStatus = this.faults.next('ResponsePut') ? 503 : 200;
    const caller = put.caller as LambdaInvocation | undefined;
    const bytes = Buffer.byteLength(put.body, 'utf8');
    const accepted = httpStatus < 400 && !this.acceptedUrls.has(put.url);
    const entry: ResponseEntry = {
      kind: 'response',
      at: put.at,
      responseUrl: put.url,
      response: JSON.parse(put.body) as CloudFormationResponse,
      body: put.body,
      bytes,
      tooLarge: bytes > MAX_RESPONSE_BYTES,
      from: caller ? this.roles.get(caller.functionArn)?.role : undefined,
      httpStatus,
      accepted,
    };
    if (caller) this.putCallers.set(entry, caller.awsRequestId);
    this.timeline.push(entry);
    if (accepted) {
      this.acceptedUrls.set(put.url, entry);
      this.waiting.get(put.url)?.forEach((ok) => ok(entry));
      this.waiting.delete(put.url);
    }
    return httpStatus;
  }

  private recordStartExecution(call: StartExecutionCall): void {
    const requestId = String(JSON.parse(call.input).RequestId);
    this.timeline.push({ kind: 'start-execution', at: call.at, requestId, executionName: call.name, outcome: call.outcome, caller: call.caller?.awsRequestId });
  }

  private recordInvocation(invocation: LambdaInvocation): void {
    const { role, framework } = this.roles.get(invocation.functionArn)!;
    const result = invocation.result!;
    const payload = result.payload ? JSON.parse(result.payload) : {};
    const event = JSON.parse(invocation.payload);
    const requestId = String(event.RequestId ?? (role === 'onTimeout' ? requestIdInCause(event.Cause) : ''));
    const common = { at: invocation.at, awsRequestId: invocation.awsRequestId, requestId, durationMs: result.durationMs, logs: result.logs };
    if (framework) {
      this.timeline.push({ kind: 'framework', handler: role, ...common, ...(result.functionError ? { error: payload } : {}) });
      return;
    }
    const attempt = role === 'isComplete' ? (this.isCompleteCalls.get(requestId) ?? 0) + 1 : 1;
    if (role === 'isComplete') this.isCompleteCalls.set(requestId, attempt);
    this.timeline.push({
      kind: 'invocation',
      handler: role as 'onEvent' | 'isComplete',
      functionName: invocation.functionArn.split(':')[6],
      attempt,
      event,
      ...common,
      ...(result.functionError ? { error: payload } : { result: payload }),
      timedOut: result.timedOut,
    });
  }
}

/** onTimeout's input is the waiter's error: its Cause holds the isComplete request (if it can be read). */
function requestIdInCause(cause: unknown): string {
  try {
    return JSON.parse(JSON.parse(String(cause)).errorMessage).RequestId ?? '';
  } catch {
    return '';
  }
}

function splitHandler(handler: string): [string, string] {
  const match = /^(.+)\.([^.]+)$/.exec(handler);
  if (!match) throw new Error(`Unexpected Handler ${handler}`);
  return [match[1], match[2]];
}
