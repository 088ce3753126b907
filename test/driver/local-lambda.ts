import { randomBytes, randomUUID } from 'crypto';
import type { Faults } from './faults';
import { runInInvocation } from './invocation-environment';
import { invokeLambda, LambdaHandler, LambdaInvokeResult } from './lambda-context';
import { addRoute, HttpAnswer, HttpCall, localEndpoint } from './local-endpoint';
import { preciseNow } from '../helpers/precise-clock';

/** A function deployed locally: its code runs in this process. */
export interface LocalFunction {
  readonly arn: string;
  readonly timeoutMs: number;
  /** The function's own variables (the template's Environment, resolved). */
  readonly environment: Record<string, string>;
  /** Loads the handler (on first invocation). */
  readonly handler: () => LambdaHandler;
  readonly echoLogs?: boolean;
  /** Told when an invocation ends. */
  readonly observe?: (invocation: LambdaInvocation) => void;
  /** Faults of the Invoke calls that reach it over HTTP. */
  readonly faults?: Faults;
}

export interface LambdaInvocation {
  readonly functionArn: string;
  readonly awsRequestId: string;
  /** _X_AMZN_TRACE_ID of the invocation: the SDK sends it with every call made from it (X-Amzn-Trace-Id). */
  readonly traceId: string;
  readonly at: number;
  readonly payload: string;
  result?: LambdaInvokeResult;
}

const functions = new Map<string, LambdaFunction>();
const byTraceId = new Map<string, LambdaInvocation>();

/** Fake credentials, so that no SDK client of a function looks for others (IMDS). */
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'ASIADRIVERLOCAL00000', AWS_SECRET_ACCESS_KEY: 'driver-local-secret', AWS_SESSION_TOKEN: 'driver-local-session' };

class LambdaFunction {
  private loaded?: LambdaHandler;
  private readonly running = new Set<Promise<void>>();

  constructor(readonly spec: LocalFunction) {}

  get name(): string {
    return this.spec.arn.split(':')[6];
  }

  async invoke(payload: string): Promise<LambdaInvocation> {
    const endpoint = await localEndpoint();
    this.loaded ??= this.spec.handler();
    const [, , , region, account] = this.spec.arn.split(':');
    const invocation: LambdaInvocation = {
      functionArn: this.spec.arn,
      awsRequestId: randomUUID(),
      traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`,
      at: preciseNow(),
      payload,
    };
    byTraceId.set(invocation.traceId, invocation);
    // What the Lambda runtime sets for each invocation, then the function's own variables.
    const environment = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: this.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(Math.ceil(this.spec.timeoutMs / 1000)),
      _X_AMZN_TRACE_ID: invocation.traceId,
      ...CREDENTIALS,
      // Only here do the AWS services the functions call live on 127.0.0.1.
      AWS_ENDPOINT_URL_LAMBDA: endpoint,
      AWS_ENDPOINT_URL_SFN: endpoint,
      AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
      ...this.spec.environment,
    };
    const config = { functionName: this.name, timeoutMs: this.spec.timeoutMs, region, account };
    const result = await runInInvocation({ environment, invocation },
      () => invokeLambda(this.loaded!, config, payload, this.spec.echoLogs ?? false, invocation.awsRequestId));
    if (result.stillRunning) {
      const still: Promise<void> = result.stillRunning.finally(() => {
        this.running.delete(still);
        byTraceId.delete(invocation.traceId);
      });
      this.running.add(still);
    } else {
      byTraceId.delete(invocation.traceId);
    }
    invocation.result = result;
    this.spec.observe?.(invocation);
    return invocation;
  }

  /** Runs that outlived their timeout (in-process they cannot be stopped) and have not returned yet. */
  stillRunning(): Array<Promise<void>> {
    return [...this.running];
  }
}

/** Makes `fn` invocable by its ARN, through lambda:Invoke on the local endpoint or `invoke()`. */
export function deployFunction(fn: LocalFunction): void {
  functions.set(fn.arn, new LambdaFunction(fn));
}

export function removeFunction(arn: string): void {
  functions.delete(arn);
}

/** Invokes a local function as lambda:Invoke (RequestResponse) does, in-process. */
export async function invoke(arn: string, payload: string): Promise<LambdaInvocation> {
  return lookUp(arn).invoke(payload);
}

/** The invocation the SDK call carrying this X-Amzn-Trace-Id was made from. */
export function invocationOfTrace(traceId: string | string[] | undefined): LambdaInvocation | undefined {
  return typeof traceId === 'string' ? byTraceId.get(traceId) : undefined;
}

export function stillRunning(arn: string): Array<Promise<void>> {
  return functions.get(arn)?.stillRunning() ?? [];
}

function lookUp(arn: string): LambdaFunction {
  const fn = functions.get(arn);
  if (!fn) throw new Error(`Function not found: ${arn}`);
  return fn;
}

const FUNCTION_PATH = /^\/2015-03-31\/functions\/([^/?]+)(\/invocations)?(\?.*)?$/;

// The Lambda API as the SDK calls it (REST JSON): Invoke, and the GetFunction that
// waitUntilFunctionActiveV2 calls when an Invoke failed.
addRoute(async (call: HttpCall): Promise<HttpAnswer | undefined> => {
  const match = FUNCTION_PATH.exec(call.path);
  if (!match) return undefined;
  const arn = decodeURIComponent(match[1]);
  const fn = functions.get(arn);
  if (!fn) {
    return { status: 404, headers: { 'x-amzn-errortype': 'ResourceNotFoundException' }, body: JSON.stringify({ Type: 'User', message: `Function not found: ${arn}` }) };
  }
  if (call.method === 'GET' && !match[2]) {
    const configuration = { FunctionName: fn.name, FunctionArn: arn, State: 'Active', LastUpdateStatus: 'Successful', Timeout: Math.ceil(fn.spec.timeoutMs / 1000) };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Configuration: configuration }) };
  }
  if (call.method !== 'POST' || !match[2]) return undefined;
  if ((call.headers['x-amz-invocation-type'] ?? 'RequestResponse') !== 'RequestResponse') {
    return { status: 400, headers: { 'x-amzn-errortype': 'InvalidParameterValueException' }, body: JSON.stringify({ message: 'only RequestResponse invocations are served' }) };
  }
  const { result } = await fn.invoke(call.body);
  if (fn.spec.faults?.next('Invoke')) return { drop: true };
  const headers: Record<string, string> = { 'x-amz-executed-version': '$LATEST', 'content-type': 'application/json' };
  if (result!.functionError) headers['x-amz-function-error'] = result!.functionError;
  return { status: 200, headers, body: result!.payload };
});
