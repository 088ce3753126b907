import * as path from 'path';
import { SynthesizedStack, TemplateResource } from './cloud-assembly';

/** A user function of the Provider framework, as the template declares it. */
export interface ProviderFunction {
  readonly logicalId: string;
  /** The export of the handler module (`index.onEvent` -> `onEvent`). */
  readonly exportName: string;
  readonly timeoutSeconds: number;
  readonly runtime: string;
}

/** What the template says about the provider behind a custom resource's ServiceToken. */
export interface ProviderDefinition {
  /** The framework's onEvent function, the ServiceToken. */
  readonly frameworkLogicalId: string;
  readonly onEvent: ProviderFunction;
  readonly isComplete: ProviderFunction;
  /** The handler module, in cdk.out: what Lambda would run. */
  readonly handlerFile: string;
  /** The waiter state machine's retry policy: isComplete every intervalSeconds, at most maxAttempts times. */
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
}

/**
 * Follows a custom resource's ServiceToken through the template: the Provider framework's onEvent
 * function names the user functions (USER_ON_EVENT_FUNCTION_ARN, USER_IS_COMPLETE_FUNCTION_ARN) and
 * the waiter state machine (WAITER_STATE_MACHINE_ARN), whose Retry says how often isComplete runs.
 */
export function readProvider(stack: SynthesizedStack, customResource: TemplateResource): ProviderDefinition {
  const frameworkLogicalId = getAttTarget(customResource.Properties?.ServiceToken, 'ServiceToken');
  const variables = stack.resource(frameworkLogicalId).Properties?.Environment?.Variables ?? {};
  const onEvent = userFunction(stack, getAttTarget(variables.USER_ON_EVENT_FUNCTION_ARN, 'USER_ON_EVENT_FUNCTION_ARN'));
  const isComplete = userFunction(stack, getAttTarget(variables.USER_IS_COMPLETE_FUNCTION_ARN, 'USER_IS_COMPLETE_FUNCTION_ARN'));
  if (onEvent.handlerFile !== isComplete.handlerFile) {
    throw new Error(`onEvent and isComplete run different code (${onEvent.handlerFile}, ${isComplete.handlerFile}): the driver loads one module`);
  }

  // The definition is a Fn::Join of JSON text and the ARNs of the framework's functions: only the
  // Retry numbers matter here, so the ARNs are left as placeholders.
  const stateMachineId = variables.WAITER_STATE_MACHINE_ARN?.Ref;
  const definition = JSON.parse(joinWithPlaceholders(stack.resource(stateMachineId).Properties?.DefinitionString));
  const retry = Object.values<any>(definition.States).find((state) => Array.isArray(state.Retry))?.Retry[0];
  if (!retry) {
    throw new Error(`The waiter state machine ${stateMachineId} has no Retry policy`);
  }
  return {
    frameworkLogicalId,
    onEvent: onEvent.fn,
    isComplete: isComplete.fn,
    handlerFile: onEvent.handlerFile,
    intervalSeconds: retry.IntervalSeconds,
    maxAttempts: retry.MaxAttempts,
  };
}

export interface LambdaHandler {
  /** The module, in cdk.out. */
  readonly file: string;
  readonly exportName: string;
  readonly timeoutSeconds: number;
  readonly runtime: string;
}

/** A Lambda function's handler module in cdk.out (`index.onEvent` -> `<asset>/index.js`), and its settings. */
export function lambdaHandler(stack: SynthesizedStack, logicalId: string): LambdaHandler {
  const props = stack.resource(logicalId).Properties ?? {};
  const s3Key = props.Code?.S3Key;
  if (typeof s3Key !== 'string') {
    throw new Error(`${stack.name}/${logicalId}: the code is not an S3 asset`);
  }
  const match = /^(.+)\.([^.]+)$/.exec(String(props.Handler));
  if (!match) {
    throw new Error(`${stack.name}/${logicalId}: unexpected Handler ${props.Handler}`);
  }
  return {
    file: path.join(stack.assetSource(s3Key), `${match[1]}.js`),
    exportName: match[2],
    // Lambda's default timeout is 3 s.
    timeoutSeconds: props.Timeout ?? 3,
    runtime: props.Runtime,
  };
}

function userFunction(stack: SynthesizedStack, logicalId: string): { fn: ProviderFunction; handlerFile: string } {
  const handler = lambdaHandler(stack, logicalId);
  return {
    fn: { logicalId, exportName: handler.exportName, timeoutSeconds: handler.timeoutSeconds, runtime: handler.runtime },
    handlerFile: handler.file,
  };
}

function getAttTarget(value: any, what: string): string {
  const target = value?.['Fn::GetAtt']?.[0];
  if (typeof target !== 'string') {
    throw new Error(`Expected ${what} to be a Fn::GetAtt of a Lambda function, got ${JSON.stringify(value)}`);
  }
  return target;
}

function joinWithPlaceholders(value: any): string {
  if (typeof value === 'string') return value;
  const join = value?.['Fn::Join'];
  if (!Array.isArray(join)) return '<reference>';
  const [separator, parts] = join as [string, unknown[]];
  return parts.map(joinWithPlaceholders).join(separator);
}
