import { resolve } from 'path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { functionArn, invokeLambda, LambdaFunctionConfig, LambdaHandler } from './lambda-context';
import type { LogLine } from './log-capture';
import type { CloudFormationResponse, InvocationEntry, ResponseEntry, TimelineEntry } from './timeline';
import { preciseNow } from '../helpers/precise-clock';

// Mirrors aws-cdk-lib/custom-resources/lib/provider-framework/runtime (framework.js, cfn-response.js)
// and the waiter state machine (waiter-state-machine.js, util.js calculateRetryPolicy).

export const CREATE_FAILED_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
export const MISSING_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::MISSING_PHYSICAL_ID';
export const MAX_RESPONSE_BYTES = 4096;

export interface UserFunctionOptions {
  /** Name of the export in the handler module. @default 'onEvent' / 'isComplete' */
  readonly exportName?: string;
  /** @default 'OnEventHandler' / 'IsCompleteHandler' */
  readonly functionName?: string;
  /** The Lambda timeout. @default 3000 (Lambda's default) */
  readonly timeoutMs?: number;
}

export interface ProviderFrameworkOptions {
  /** Handler module, loaded with require(). */
  readonly handlerPath: string;
  readonly onEvent?: UserFunctionOptions;
  /** `false`: a provider without isComplete (answers right after onEvent). */
  readonly isComplete?: UserFunctionOptions | false;
  /** Wait between isComplete polls, in ms. @default 5000 (the Provider's 5 s) */
  readonly queryInterval?: number;
  /** In ms; must be a multiple of queryInterval, as in the Provider. @default 1800000 (30 min) */
  readonly totalTimeout?: number;
  /** The framework reports e.stack as Reason (cfn-response.js includeStackTraces). @default true */
  readonly includeStackTraces?: boolean;
  /** Also let handler output through to the real console. @default false */
  readonly echoLogs?: boolean;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly account?: string;
  /** Shared with a stack so that everything lands in one ordered record. @default a new array */
  readonly timeline?: TimelineEntry[];
}

/** What one request produced. */
export interface SendResult extends ResponseEntry {
  /** The handler invocations made for this request. */
  readonly invocations: InvocationEntry[];
  /**
   * True when a waiter for the same RequestId and the same input was still running: StartExecution is
   * idempotent then, and that waiter's response is the only one CloudFormation gets.
   */
  readonly joinedRunningExecution: boolean;
}

type FrameworkEvent = Record<string, any>;
type HandlerName = 'onEvent' | 'isComplete';

interface UserFunction {
  readonly handler: LambdaHandler;
  readonly config: LambdaFunctionConfig;
}

/** The Provider framework (onEvent + isComplete, asynchronous) playing the user handlers in-process. */
export class ProviderFramework {
  readonly timeline: TimelineEntry[];
  readonly serviceToken: string;
  readonly queryInterval: number;
  readonly totalTimeout: number;
  /** Retries of isComplete after its first call (the waiter's Retry.MaxAttempts). */
  readonly maxAttempts: number;
  private readonly onEventFunction: UserFunction;
  private readonly isCompleteFunction?: UserFunction;
  private readonly executions = new Map<string, { input: string; closed: boolean; result: Promise<ResponseEntry> }>();
  private readonly responseUrls = new Set<string>();
  private readonly pastTimeout: Array<Promise<void>> = [];

  constructor(private readonly options: ProviderFrameworkOptions) {
    const region = options.region ?? 'us-east-1';
    const account = options.account ?? '123456789012';
    this.timeline = options.timeline ?? [];
    this.queryInterval = options.queryInterval ?? 5_000;
    this.totalTimeout = options.totalTimeout ?? 1_800_000;
    this.maxAttempts = this.totalTimeout / this.queryInterval;
    if (Math.round(this.maxAttempts) !== this.maxAttempts) {
      throw new Error(`Cannot determine retry count since totalTimeout=${this.totalTimeout}ms is not integrally dividable by queryInterval=${this.queryInterval}ms`);
    }
    this.serviceToken = functionArn({ region, account, functionName: 'ProviderframeworkonEvent' });

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(resolve(options.handlerPath));
    const load = (name: HandlerName, fn: UserFunctionOptions, defaultName: string): UserFunction => {
      const handler = module[fn.exportName ?? name];
      if (typeof handler !== 'function') throw new Error(`${options.handlerPath} does not export a function "${fn.exportName ?? name}"`);
      return { handler, config: { region, account, functionName: fn.functionName ?? defaultName, timeoutMs: fn.timeoutMs ?? 3_000 } };
    };
    this.onEventFunction = load('onEvent', options.onEvent ?? {}, 'OnEventHandler');
    if (options.isComplete !== false) this.isCompleteFunction = load('isComplete', options.isComplete ?? {}, 'IsCompleteHandler');
  }

  /**
   * Runs one CloudFormation request through the framework; resolves with the response sent to CloudFormation.
   * Sending the same request again (also while the first is still running) is a duplicate delivery.
   */
  async send(request: CloudFormationCustomResourceEvent): Promise<SendResult> {
    const start = this.timeline.length;
    const delivery = 1 + this.timeline.filter((e) => e.kind === 'request' && e.request.RequestId === request.RequestId).length;
    this.timeline.push({ kind: 'request', at: preciseNow(), request, delivery });
    this.responseUrls.add(request.ResponseURL);
    let joinedRunningExecution = false;
    // The Lambda invocation of the framework: the request arrives as JSON.
    const cfnRequest: FrameworkEvent = JSON.parse(JSON.stringify(request));
    const sent = await this.safeHandler(cfnRequest, 'onEvent', async () => {
      cfnRequest.ResourceProperties = cfnRequest.ResourceProperties || {};
      const onEventResult = await this.invokeUserFunction('onEvent', cfnRequest, 1);
      const resourceEvent = createResponseEvent(cfnRequest, onEventResult);
      if (!this.isCompleteFunction) return this.submitResponse('SUCCESS', resourceEvent, { noEcho: resourceEvent.NoEcho });
      const execution = this.startExecution(resourceEvent.RequestId, JSON.stringify(resourceEvent));
      joinedRunningExecution = execution.joined;
      return execution.result;
    });
    const invocations = this.timeline.slice(start)
      .filter((e): e is InvocationEntry => e.kind === 'invocation' && e.requestId === request.RequestId);
    return { ...sent, invocations, joinedRunningExecution };
  }

  /**
   * In-process, a handler past its Lambda timeout cannot be stopped and may still call services:
   * resolves true once every such run has returned, false if one is still running after `boundMs`.
   */
  async untilTimedOutHandlersReturn(boundMs = 10_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<false>((settle) => { timer = setTimeout(() => settle(false), boundMs); });
    try {
      return await Promise.race([Promise.all(this.pastTimeout).then(() => true as const), bound]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every line the handlers wrote, in order. */
  get logs(): LogLine[] {
    return this.timeline.flatMap((e) => (e.kind === 'invocation' ? e.logs : []));
  }

  /** Log lines that carry a pre-signed ResponseURL, or its signature, or any X-Amz-Signature. */
  responseUrlLeaks(): LogLine[] {
    const secrets = [...this.responseUrls].flatMap((url) => [url, new URL(url).searchParams.get('X-Amz-Signature') ?? url]);
    return this.logs.filter((l) => l.text.includes('X-Amz-Signature') || secrets.some((s) => l.text.includes(s)));
  }

  /** StartExecution with name = RequestId: same name and input while running is idempotent, otherwise ExecutionAlreadyExists. */
  private startExecution(name: string, input: string): { joined: boolean; result: Promise<ResponseEntry> } {
    const existing = this.executions.get(name);
    if (existing && !existing.closed && existing.input === input) return { joined: true, result: existing.result };
    if (existing) {
      throw new ExecutionAlreadyExists(`Execution Already Exists: '${this.serviceToken.split(':function:')[0].replace(':lambda:', ':states:')}:execution:waiterstatemachine:${name}'`);
    }
    const execution = { input, closed: false, result: this.runWaiter(input) };
    void execution.result.finally(() => { execution.closed = true; });
    this.executions.set(name, execution);
    return { joined: false, result: execution.result };
  }

  /** The waiter state machine: isComplete now, then up to maxAttempts retries every queryInterval, then onTimeout. */
  private async runWaiter(input: string): Promise<ResponseEntry> {
    for (let attempt = 1; attempt <= this.maxAttempts + 1; attempt++) {
      if (attempt > 1) await new Promise((ok) => setTimeout(ok, this.queryInterval));
      try {
        const event: FrameworkEvent = JSON.parse(input);
        return await this.safeHandler(event, 'isComplete', () => this.isComplete(event, attempt));
      } catch (e) {
        if (!(e instanceof Retry)) throw e;
      }
    }
    return this.submitResponse('FAILED', JSON.parse(input), { reason: 'Operation timed out' });
  }

  private async isComplete(event: FrameworkEvent, attempt: number): Promise<ResponseEntry> {
    const isCompleteResult = await this.invokeUserFunction('isComplete', event, attempt);
    if (!isCompleteResult.IsComplete) {
      if (isCompleteResult.Data && Object.keys(isCompleteResult.Data).length > 0) {
        throw new Error('"Data" is not allowed if "IsComplete" is "False"');
      }
      throw new Retry(JSON.stringify(event));
    }
    const response = { ...event, ...isCompleteResult, Data: { ...event.Data, ...isCompleteResult.Data } };
    return this.submitResponse('SUCCESS', response, { noEcho: event.NoEcho });
  }

  private async safeHandler(event: FrameworkEvent, where: HandlerName, block: () => Promise<ResponseEntry>): Promise<ResponseEntry> {
    if (event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_PHYSICAL_ID_MARKER) {
      return this.submitResponse('SUCCESS', event);
    }
    try {
      return await block();
    } catch (e: any) {
      if (e instanceof Retry) throw e;
      if (!event.PhysicalResourceId && event.RequestType === 'Create') event.PhysicalResourceId = CREATE_FAILED_PHYSICAL_ID_MARKER;
      const reason = (this.options.includeStackTraces ?? true) ? frameworkStack(e, where) : e.message;
      return this.submitResponse('FAILED', event, { reason });
    }
  }

  private async invokeUserFunction(which: HandlerName, event: FrameworkEvent, attempt: number): Promise<any> {
    const fn = which === 'onEvent' ? this.onEventFunction : this.isCompleteFunction!;
    const payload = JSON.stringify(event);
    const at = preciseNow();
    const resp = await invokeLambda(fn.handler, fn.config, payload, this.options.echoLogs ?? false);
    if (resp.stillRunning) this.pastTimeout.push(resp.stillRunning);
    const jsonPayload = resp.payload ? JSON.parse(resp.payload) : {};
    this.timeline.push({
      kind: 'invocation',
      at,
      handler: which,
      functionName: fn.config.functionName,
      awsRequestId: resp.awsRequestId,
      requestId: event.RequestId,
      attempt,
      event: JSON.parse(payload),
      ...(resp.functionError ? { error: jsonPayload } : { result: jsonPayload }),
      timedOut: resp.timedOut,
      durationMs: resp.durationMs,
      logs: resp.logs,
    });
    if (resp.functionError) {
      const message = [jsonPayload.errorMessage || 'error', '', `Logs: /aws/lambda/${fn.config.functionName}`, ''].join('\n');
      const e = new Error(message);
      if (jsonPayload.trace) {
        e.stack = [message, ...jsonPayload.trace.slice(1)].join('\n');
        KEEP_STACK.add(e);
      }
      throw e;
    }
    return jsonPayload;
  }

  /** cfn-response.js submitResponse: the body PUT to the ResponseURL. */
  private async submitResponse(
    status: 'SUCCESS' | 'FAILED', event: FrameworkEvent, options: { reason?: string; noEcho?: boolean } = {},
  ): Promise<ResponseEntry> {
    const body = JSON.stringify({
      Status: status,
      Reason: options.reason || status,
      StackId: event.StackId,
      RequestId: event.RequestId,
      PhysicalResourceId: event.PhysicalResourceId || MISSING_PHYSICAL_ID_MARKER,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: options.noEcho,
      Data: event.Data,
    });
    const bytes = Buffer.byteLength(body, 'utf8');
    const entry: ResponseEntry = {
      kind: 'response',
      at: preciseNow(),
      responseUrl: event.ResponseURL,
      response: JSON.parse(body) as CloudFormationResponse,
      body,
      bytes,
      tooLarge: bytes > MAX_RESPONSE_BYTES,
    };
    this.timeline.push(entry);
    return entry;
  }
}

function createResponseEvent(cfnRequest: FrameworkEvent, onEventResult: any): FrameworkEvent {
  onEventResult = onEventResult || {};
  const physicalResourceId = onEventResult.PhysicalResourceId || defaultPhysicalResourceId(cfnRequest);
  if (cfnRequest.RequestType === 'Delete' && physicalResourceId !== cfnRequest.PhysicalResourceId) {
    throw new Error(`DELETE: cannot change the physical resource ID from "${cfnRequest.PhysicalResourceId}" to "${onEventResult.PhysicalResourceId}" during deletion`);
  }
  return { ...cfnRequest, ...onEventResult, PhysicalResourceId: physicalResourceId };
}

function defaultPhysicalResourceId(req: FrameworkEvent): string {
  switch (req.RequestType) {
    case 'Create': return req.RequestId;
    case 'Update':
    case 'Delete': return req.PhysicalResourceId;
    default: throw new Error(`Invalid "RequestType" in request "${JSON.stringify(req)}"`);
  }
}

/** Thrown by the framework's isComplete to make the waiter retry. */
class Retry extends Error {}

class ExecutionAlreadyExists extends Error {}
Object.defineProperty(ExecutionAlreadyExists.prototype, 'name', { value: 'ExecutionAlreadyExists' });

/** User-function errors whose stack is the handler's own Lambda trace. */
const KEEP_STACK = new WeakSet<Error>();

/**
 * e.stack as the framework's Lambda function would report it: in-process, errors raised by the framework
 * carry the driver's and jest's frames (jest allows 100), which would distort the response size.
 */
function frameworkStack(e: any, where: HandlerName): string {
  if (!(e instanceof Error) || KEEP_STACK.has(e)) return e?.stack ?? String(e);
  const lines = (e.stack ?? `${e.name}: ${e.message}`).split('\n');
  const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
  const header = firstFrame < 0 ? lines : lines.slice(0, firstFrame);
  return [
    ...header,
    `    at ${where} (/var/task/framework.js:1:1024)`,
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    '    at async /var/task/cfn-response.js:1:1837',
  ].join('\n');
}
