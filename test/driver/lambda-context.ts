import { randomBytes, randomUUID } from 'crypto';
import { types } from 'util';
import type { Context } from 'aws-lambda';
import { LogCapture, LogLine } from './log-capture';

export type LambdaHandler = (event: unknown, context: Context) => unknown;

export interface LambdaFunctionConfig {
  readonly functionName: string;
  readonly timeoutMs: number;
  readonly region: string;
  readonly account: string;
}

/** What lambda:Invoke answers (RequestResponse), plus what the driver observed. */
export interface LambdaInvokeResult {
  readonly awsRequestId: string;
  /** JSON text, as the Invoke API returns it. */
  readonly payload: string;
  readonly functionError?: 'Unhandled';
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly logs: LogLine[];
  /**
   * Timed out only: the handler run, which goes on in-process (Lambda would have ended it); settles
   * when it returns or throws.
   */
  readonly stillRunning?: Promise<void>;
}

export function functionArn(config: Pick<LambdaFunctionConfig, 'functionName' | 'region' | 'account'>): string {
  return `arn:aws:lambda:${config.region}:${config.account}:function:${config.functionName}`;
}

export function createLambdaContext(config: LambdaFunctionConfig, awsRequestId: string, deadline: number): Context {
  const unsupported = () => {
    throw new Error('callback-style handlers (done/succeed/fail) are not supported by the driver');
  };
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: config.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(config),
    memoryLimitInMB: '128',
    awsRequestId,
    logGroupName: `/aws/lambda/${config.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/**
 * Invokes `handler` in-process the way lambda:Invoke would: the event goes through JSON, the result
 * comes back as JSON text, a throw becomes a FunctionError payload, and running past the timeout
 * ends the invocation (the in-process promise cannot be killed; its late output is not captured).
 */
export async function invokeLambda(
  handler: LambdaHandler, config: LambdaFunctionConfig, payload: string, echoLogs: boolean, awsRequestId: string = randomUUID(),
): Promise<LambdaInvokeResult> {
  const started = Date.now();
  const context = createLambdaContext(config, awsRequestId, started + config.timeoutMs);
  const capture = new LogCapture(echoLogs);
  let timer: NodeJS.Timeout | undefined;
  const TIMED_OUT = Symbol('timed out');
  try {
    const run = capture.run(async () => handler(JSON.parse(payload), context));
    const outcome = await Promise.race([
      run.then((value) => ({ value }), (error: unknown) => ({ error })),
      new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(() => resolve(TIMED_OUT), config.timeoutMs); }),
    ]);
    const done = (p: string, functionError?: 'Unhandled') => ({
      awsRequestId,
      payload: p,
      functionError,
      timedOut: outcome === TIMED_OUT,
      durationMs: Date.now() - started,
      logs: capture.lines,
      stillRunning: outcome === TIMED_OUT ? run.then(() => undefined, () => undefined) : undefined,
    });
    if (outcome === TIMED_OUT) {
      const seconds = (config.timeoutMs / 1000).toFixed(2);
      return done(JSON.stringify({ errorMessage: `${new Date().toISOString()} ${awsRequestId} Task timed out after ${seconds} seconds` }), 'Unhandled');
    }
    if ('error' in outcome) return done(JSON.stringify(errorPayload(outcome.error)), 'Unhandled');
    try {
      return done(JSON.stringify(outcome.value) ?? 'null');
    } catch (e) {
      return done(JSON.stringify({ errorType: 'Runtime.UnmarshalledError', errorMessage: `Unable to stringify response body: ${String(e)}` }), 'Unhandled');
    }
  } finally {
    clearTimeout(timer);
    capture.close();
  }
}

/** The Node.js runtime's error payload (errorType, errorMessage, trace). */
function errorPayload(error: unknown) {
  if (!(types.isNativeError(error) || error instanceof Error)) {
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  }
  return { errorType: error.name, errorMessage: error.message, trace: lambdaTrace(error.stack ?? '') };
}

// The runtime's own frame, where the driver's frames (and jest's, which raises stackTraceLimit to 100)
// would otherwise appear: keeps Reason sizes close to what a deployed handler produces.
const RUNTIME_FRAME = '    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1206:29)';

function lambdaTrace(stack: string): string[] {
  const lines = stack.split('\n');
  const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
  if (firstFrame < 0) return lines;
  const frames = lines.slice(firstFrame);
  const ownFrames = frames.findIndex((l) => l.includes(__filename) || /node_modules[\\/](jest-|@jest|ts-jest)/.test(l));
  const handlerFrames = (ownFrames < 0 ? frames : frames.slice(0, ownFrames)).slice(0, 9);
  return [...lines.slice(0, firstFrame), ...handlerFrames, RUNTIME_FRAME];
}
