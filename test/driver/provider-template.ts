/** A CloudFormation template, as synthesized. */
export interface Template {
  readonly Resources: Record<string, TemplateResource>;
  readonly [section: string]: unknown;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

/** A Lambda function of the provider, as the template declares it. */
export interface FunctionDeclaration {
  readonly logicalId: string;
  /** `file.export`, e.g. `index.onEvent` or `framework.isComplete`. */
  readonly handler: string;
  /** Lambda's default is 3 s. */
  readonly timeoutSeconds: number;
  /** Environment.Variables, unresolved. */
  readonly environment: Record<string, unknown>;
}

/** What the template says about the Provider behind one custom resource. */
export interface ProviderDeclaration {
  readonly customResource: { readonly logicalId: string; readonly type: string; readonly serviceTimeoutSeconds: number };
  readonly framework: { readonly onEvent: FunctionDeclaration; readonly isComplete?: FunctionDeclaration; readonly onTimeout?: FunctionDeclaration };
  readonly user: { readonly onEvent: FunctionDeclaration; readonly isComplete?: FunctionDeclaration };
  /** The waiter state machine (only with isComplete). */
  readonly stateMachine?: { readonly logicalId: string; readonly definitionString: unknown };
}

/** CloudFormation waits an hour for a custom resource's answer unless ServiceTimeout says otherwise. */
const DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;

/**
 * Follows a custom resource's ServiceToken through the template: the framework's onEvent function
 * names the user functions (USER_ON_EVENT_FUNCTION_ARN, USER_IS_COMPLETE_FUNCTION_ARN) and the waiter
 * state machine (WAITER_STATE_MACHINE_ARN), whose definition names the framework's isComplete and
 * onTimeout functions. `customResource` is the logical id, needed when the template has several.
 */
export function readProvider(template: Template, customResource?: string): ProviderDeclaration {
  const custom = Object.entries(template.Resources).filter(([id, r]) =>
    (r.Type === 'AWS::CloudFormation::CustomResource' || r.Type.startsWith('Custom::')) && (customResource === undefined || id === customResource));
  if (custom.length !== 1) {
    throw new Error(`Expected one custom resource${customResource ? ` ${customResource}` : ''} in the template, found ${custom.length}: name it`);
  }
  const [logicalId, resource] = custom[0];
  const frameworkOnEvent = lambdaFunction(template, getAttTarget(resource.Properties?.ServiceToken, 'ServiceToken'));
  const env = frameworkOnEvent.environment;
  const onEvent = lambdaFunction(template, getAttTarget(env.USER_ON_EVENT_FUNCTION_ARN, 'USER_ON_EVENT_FUNCTION_ARN'));
  const isComplete = env.USER_IS_COMPLETE_FUNCTION_ARN === undefined ? undefined
    : lambdaFunction(template, getAttTarget(env.USER_IS_COMPLETE_FUNCTION_ARN, 'USER_IS_COMPLETE_FUNCTION_ARN'));
  let stateMachine: ProviderDeclaration['stateMachine'];
  let waiterFunctions: Pick<ProviderDeclaration['framework'], 'isComplete' | 'onTimeout'> = {};
  if (isComplete) {
    const stateMachineId = (env.WAITER_STATE_MACHINE_ARN as { Ref?: string } | undefined)?.Ref;
    const definitionString = stateMachineId ? template.Resources[stateMachineId]?.Properties?.DefinitionString : undefined;
    if (!stateMachineId || definitionString === undefined) throw new Error('The framework\'s onEvent names no waiter state machine (WAITER_STATE_MACHINE_ARN)');
    stateMachine = { logicalId: stateMachineId, definitionString };
    const tasks = collectGetAtts(definitionString).map((id) => lambdaFunction(template, id));
    waiterFunctions = {
      isComplete: tasks.find((fn) => fn.handler.endsWith('.isComplete')),
      onTimeout: tasks.find((fn) => fn.handler.endsWith('.onTimeout')),
    };
  }
  return {
    customResource: {
      logicalId,
      type: resource.Type,
      serviceTimeoutSeconds: Number(resource.Properties?.ServiceTimeout ?? DEFAULT_SERVICE_TIMEOUT_SECONDS),
    },
    framework: { onEvent: frameworkOnEvent, ...waiterFunctions },
    user: { onEvent, isComplete },
    stateMachine,
  };
}

function lambdaFunction(template: Template, logicalId: string): FunctionDeclaration {
  const resource = template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function') throw new Error(`${logicalId} is not an AWS::Lambda::Function of the template`);
  const props = resource.Properties ?? {};
  return { logicalId, handler: String(props.Handler), timeoutSeconds: props.Timeout ?? 3, environment: props.Environment?.Variables ?? {} };
}

function getAttTarget(value: any, what: string): string {
  const target = value?.['Fn::GetAtt']?.[0];
  if (typeof target !== 'string') throw new Error(`Expected ${what} to be a Fn::GetAtt of a Lambda function, got ${JSON.stringify(value)}`);
  return target;
}

function collectGetAtts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(collectGetAtts);
  if (typeof value !== 'object' || value === null) return [];
  const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return [String(getAtt[0])];
  return Object.values(value).flatMap(collectGetAtts);
}

/** Ref, Fn::GetAtt (Arn) and Fn::Join over the provider's own resources and the pseudo parameters. */
export function resolveIntrinsics(
  value: unknown, arnOf: (id: string) => string, refOf: (id: string) => string, pseudo: { region: string; account: string; stackName: string },
): unknown {
  const again = (v: unknown) => resolveIntrinsics(v, arnOf, refOf, pseudo);
  if (Array.isArray(value)) return value.map(again);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, any>;
  if ('Ref' in record) {
    const pseudoValues: Record<string, string> = { 'AWS::Region': pseudo.region, 'AWS::AccountId': pseudo.account, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackName': pseudo.stackName };
    return pseudoValues[record.Ref] ?? refOf(record.Ref);
  }
  if ('Fn::GetAtt' in record) {
    const [id, attribute] = record['Fn::GetAtt'];
    if (attribute !== 'Arn') throw new Error(`Fn::GetAtt ${id}.${attribute} is not resolved by the driver`);
    return arnOf(id);
  }
  if ('Fn::Join' in record) {
    const [separator, parts] = record['Fn::Join'];
    return (again(parts) as unknown[]).join(separator);
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, again(v)]));
}
