import { readFileSync } from 'fs';
import { request as httpRequest } from 'http';
import type { IncomingHttpHeaders } from 'http';
import { dirname, join, resolve } from 'path';
import { currentInvocation } from './invocation-environment';
import type { LambdaHandler } from './lambda-context';
import { addRoute, localEndpoint } from './local-endpoint';
import { deployFunction, invoke, removeFunction } from './local-lambda';
import { preciseNow } from '../helpers/precise-clock';

/**
 * The aws-cdk-lib whose Provider framework the driver runs: DRIVER_AWS_CDK_LIB (a package folder,
 * e.g. another app's node_modules/aws-cdk-lib, as test:compat sets it), else the one this repository
 * resolves. Its files are used as they are, never changed.
 */
export function awsCdkLibDir(): string {
  return process.env.DRIVER_AWS_CDK_LIB ? resolve(process.env.DRIVER_AWS_CDK_LIB) : dirname(require.resolve('aws-cdk-lib/package.json'));
}

/** The folder the Provider synthesizes as the framework functions' code (Code.fromAsset of it). */
export function frameworkRuntimeDir(): string {
  return join(awsCdkLibDir(), 'custom-resources', 'lib', 'provider-framework', 'runtime');
}

/** framework.js's three exports: each is the handler of one of the framework's Lambda functions. */
export interface FrameworkRuntime {
  readonly dir: string;
  readonly version: string;
  readonly onEvent: LambdaHandler;
  readonly isComplete: LambdaHandler;
  readonly onTimeout: LambdaHandler;
  /** outbound.js: the framework's calls to Lambda and Step Functions (through its own SDK clients). */
  readonly outbound: {
    invokeFunction(request: { FunctionName: string; Payload: string }): Promise<unknown>;
    startExecution(request: { stateMachineArn: string; name: string; input: string }): Promise<unknown>;
  };
}

/** A PUT that reached the ResponseURL's host, and the Lambda invocation that made it. */
export interface ResponsePut {
  readonly at: number;
  readonly url: string;
  readonly body: string;
  /** The framework's Lambda invocation it came from (undefined if none). */
  readonly caller?: unknown;
  /** The HTTP status answered. */
  status: number;
}

type PutListener = (put: ResponsePut) => number;
const putListeners = new Map<string, PutListener>();
let runtime: FrameworkRuntime | undefined;

/** Requires framework.js once, and sends its response PUTs to the local endpoint (see below). */
export function loadFramework(): FrameworkRuntime {
  if (runtime) return runtime;
  const dir = frameworkRuntimeDir();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const outbound = require(join(dir, 'outbound.js'));
  const framework = require(join(dir, 'framework.js'));
  const version: string = require(join(awsCdkLibDir(), 'package.json')).version;
  /* eslint-enable @typescript-eslint/no-require-imports */
  // outbound.js sends the response with https.request({ hostname, path }): it drops any port, so a
  // local TLS endpoint would have to listen on 443 (root only, and one per machine, while jest runs
  // test files in parallel). So its exported httpRequest, which cfn-response.js reads from the module
  // at each call (aws-cdk's own framework tests replace it the same way), is replaced by one with the
  // same contract: the same options and body, PUT over plain HTTP to the local endpoint, rejecting
  // on a status of 400 or more as the original does. Everything else of the framework runs as shipped,
  // its Lambda and Step Functions calls through the real SDK clients to the local endpoint.
  outbound.httpRequest = putToLocalEndpoint;
  runtime = { dir, version, onEvent: framework.onEvent, isComplete: framework.isComplete, onTimeout: framework.onTimeout, outbound };
  return runtime;
}

/**
 * outbound.js creates its Lambda and Step Functions clients on first use, and the first calls set up
 * their configuration and connections (a quarter of a second here). A benchmark calls this first, so
 * that the request it measures does not pay for that: a throwaway function makes one call of each.
 */
export async function warmUpFramework(): Promise<void> {
  const { outbound } = loadFramework();
  const prefix = 'arn:aws:lambda:us-east-1:123456789012:function:driver-warm-up';
  deployFunction({ arn: `${prefix}-target`, timeoutMs: 10_000, environment: {}, handler: () => async () => ({}) });
  deployFunction({
    arn: `${prefix}-caller`,
    timeoutMs: 10_000,
    environment: {},
    handler: () => async () => {
      await outbound.invokeFunction({ FunctionName: `${prefix}-target`, Payload: '{}' });
      const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:driver-warm-up';
      await outbound.startExecution({ stateMachineArn, name: 'none', input: '{}' }).catch(() => undefined);
    },
  });
  await invoke(`${prefix}-caller`, '{}');
  removeFunction(`${prefix}-target`);
  removeFunction(`${prefix}-caller`);
}

/**
 * Whether the loaded framework names the waiter execution after the RequestId, which makes a second
 * delivery join or be refused (aws-cdk-lib 2.224.0), or starts it without a name, so that every
 * delivery runs a waiter of its own (later versions: aws/aws-cdk#35988).
 */
export function frameworkNamesWaiterExecutions(): boolean {
  return readFileSync(join(loadFramework().dir, 'framework.js'), 'utf8').includes('name:resourceEvent.RequestId');
}

/** Calls `listener` with each PUT to `responseUrl`; it returns the HTTP status to answer. */
export function listenForResponses(responseUrl: string, listener: PutListener): void {
  putListeners.set(responseUrl, listener);
}

export function stopListening(responseUrl: string): void {
  putListeners.delete(responseUrl);
}

type RequestOptions = { hostname: string; path: string; method: string; headers: IncomingHttpHeaders };

async function putToLocalEndpoint(options: RequestOptions, body: string): Promise<void> {
  const endpoint = new URL(await localEndpoint());
  return new Promise((ok, fail) => {
    const req = httpRequest({
      host: endpoint.hostname,
      port: endpoint.port,
      path: options.path,
      method: options.method,
      headers: { ...options.headers, 'x-driver-response-host': options.hostname, 'x-driver-caller': callerKey() },
    }, (res) => {
      res.resume();
      if (!res.statusCode || res.statusCode >= 400) fail(new Error(`Unsuccessful HTTP response: ${res.statusCode}`));
      else ok();
    });
    req.on('error', fail);
    req.end(body);
  });
}

// The PUT crosses HTTP, which AsyncLocalStorage does not follow: its caller travels in a header.
const callers = new Map<string, unknown>();
let callerSerial = 0;
function callerKey(): string {
  const invocation = currentInvocation()?.invocation;
  if (invocation === undefined) return '';
  const key = String(++callerSerial);
  callers.set(key, invocation);
  return key;
}

addRoute((call) => {
  const host = call.headers['x-driver-response-host'];
  if (call.method !== 'PUT' || typeof host !== 'string') return undefined;
  const key = String(call.headers['x-driver-caller'] ?? '');
  const put: ResponsePut = { at: preciseNow(), url: `https://${host}${call.path}`, body: call.body, caller: callers.get(key), status: 200 };
  callers.delete(key);
  const listener = putListeners.get(put.url);
  put.status = listener ? listener(put) : 200;
  return { status: put.status };
});
