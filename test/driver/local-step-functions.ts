import { randomUUID } from 'crypto';
import type { StateMachine as Interpreter, StateMachineDefinition } from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import type { Faults } from './faults';
import { addRoute, HttpAnswer } from './local-endpoint';
import { invocationOfTrace, invoke, LambdaInvocation } from './local-lambda';
import { preciseNow } from '../helpers/precise-clock';
import './promise-with-resolvers';

// Its CommonJS build (the package is an ES module with a require entry).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as { StateMachine: typeof Interpreter };

export interface LocalStateMachine {
  readonly arn: string;
  /** The definition with its Task resources resolved to local function ARNs. */
  readonly definition: StateMachineDefinition;
  /** Multiplies every Retry interval (IntervalSeconds). */
  readonly timeScale: number;
  readonly faults?: Faults;
  /** Told about every StartExecution call and its outcome. */
  readonly observe?: (call: StartExecutionCall) => void;
}

export interface Execution {
  readonly executionArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  /** Settles when the execution closes. */
  readonly closed: Promise<void>;
}

export interface StartExecutionCall {
  readonly at: number;
  readonly stateMachineArn: string;
  /** The execution's name: the one asked for, or the UUID Step Functions gives one started without a name. */
  readonly name: string;
  readonly input: string;
  /** started: a new execution; joined: the running one with the same name and input; else the error. */
  readonly outcome: 'started' | 'joined' | 'ExecutionAlreadyExists' | string;
  /** The Lambda invocation the call came from (by its trace header). */
  readonly caller?: LambdaInvocation;
}

/**
 * Amazon States Language has no limit on a Task's duration unless TimeoutSeconds says so: AWS's
 * default is 99999999 s. The interpreter applies the ASL specification's default of 60 s, which a
 * framework function under test may exceed. So a Task without a timeout gets the largest one a
 * Node.js timer holds (24.8 days), which no test reaches: the Lambda timeout bounds each Task, as in AWS.
 */
const NO_TASK_TIMEOUT_SECONDS = Math.floor(2 ** 31 / 1000) - 1;

const validatedShapes = new Set<string>();

class StateMachineRunner {
  readonly executions = new Map<string, Execution>();
  private readonly interpreter: Interpreter;
  private readonly handlers: Record<string, (input: any) => Promise<any>> = {};
  private readonly retryIntervals: Record<string, number> = {};

  constructor(readonly spec: LocalStateMachine) {
    const definition: StateMachineDefinition = JSON.parse(JSON.stringify(spec.definition));
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type !== 'Task') continue;
      state.TimeoutSeconds ??= state.TimeoutSecondsPath === undefined ? NO_TASK_TIMEOUT_SECONDS : undefined;
      this.handlers[name] = (input) => lambdaTask(state.Resource, input);
      // The interpreter's own option: the wait before each retry, in ms (the framework's BackoffRate is 1).
      const interval = state.Retry?.[0]?.IntervalSeconds;
      if (interval !== undefined) this.retryIntervals[name] = interval * 1000 * spec.timeScale;
    }
    // Validating a definition takes the interpreter about half a second: once per shape (ARNs aside).
    const shape = JSON.stringify(definition, (key, value) => (key === 'Resource' ? '' : value));
    this.interpreter = new StateMachine(definition, { validationOptions: validatedShapes.has(shape) ? { noValidate: true } : { checkArn: true } });
    validatedShapes.add(shape);
  }

  start(name: string, input: string, caller?: LambdaInvocation): HttpAnswer {
    const executionArn = `${this.spec.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(name);
    const fault = this.spec.faults?.next('StartExecution');
    const record = (outcome: string) => this.spec.observe?.({ at: preciseNow(), stateMachineArn: this.spec.arn, name, input, outcome, caller });
    if (fault) {
      const code = fault.error ?? 'ThrottlingException';
      record(code);
      return awsJsonError(code, 'Rate exceeded');
    }
    // StartExecution is idempotent for a STANDARD workflow: the same name and input while that execution
    // runs is that execution; a name used before with other input, or by a closed execution, is refused
    // (Step Functions API reference, StartExecution: "Idempotency").
    if (existing && existing.status === 'RUNNING' && existing.input === input) {
      record('joined');
      return startAnswer(existing);
    }
    if (existing) {
      record('ExecutionAlreadyExists');
      return awsJsonError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const startDate = Date.now();
    const run = this.interpreter.run(JSON.parse(input), {
      overrides: { taskResourceLocalHandlers: this.handlers, retryIntervalOverrides: this.retryIntervals },
      context: { Execution: { Id: executionArn, Name: name, Input: JSON.parse(input), StartTime: new Date(startDate).toISOString() } },
    });
    const started: Execution = {
      executionArn,
      name,
      input,
      startDate,
      status: 'RUNNING',
      closed: run.result.then(() => { started.status = 'SUCCEEDED'; }, () => { started.status = 'FAILED'; }),
    };
    this.executions.set(name, started);
    record('started');
    return startAnswer(started);
  }
}

/**
 * A Task of the definition invokes its Lambda function as Step Functions does, through the local
 * Lambda service (the same path as the framework's own Invoke calls). A function error becomes the
 * Task's error the way Step Functions reports a Lambda error: Error is the errorType, Cause the JSON
 * text of the error payload ({errorType, errorMessage, trace}); see the Step Functions developer
 * guide, "Handling errors in Step Functions workflows" (Lambda Unhandled errors). The interpreter's
 * own Lambda client would put "<errorType>: <errorMessage>" in Cause instead, which the framework's
 * onTimeout could not parse (it reads JSON.parse(JSON.parse(Cause).errorMessage)).
 */
async function lambdaTask(resource: string, input: unknown): Promise<unknown> {
  const { result } = await invoke(resource, JSON.stringify(input));
  if (result!.functionError) {
    const payload = JSON.parse(result!.payload);
    const error = new Error(result!.payload);
    error.name = payload.errorType ?? 'Lambda.Unknown';
    throw error;
  }
  return JSON.parse(result!.payload);
}

const machines = new Map<string, StateMachineRunner>();

export function deployStateMachine(spec: LocalStateMachine): void {
  machines.set(spec.arn, new StateMachineRunner(spec));
}

export function removeStateMachine(arn: string): void {
  machines.delete(arn);
}

/** The execution of that name (names are unique per state machine), if one was started. */
export function execution(stateMachineArn: string, name: string): Execution | undefined {
  return machines.get(stateMachineArn)?.executions.get(name);
}

export function executions(stateMachineArn: string): Execution[] {
  return [...machines.get(stateMachineArn)?.executions.values() ?? []];
}

function startAnswer(started: Execution): HttpAnswer {
  const body = JSON.stringify({ executionArn: started.executionArn, startDate: started.startDate / 1000 });
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body };
}

function awsJsonError(code: string, message: string): HttpAnswer {
  return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ __type: `com.amazonaws.swf.service.v2.model#${code}`, message }) };
}

// Step Functions' API (AWS JSON 1.0): StartExecution only, the one call the framework makes.
addRoute((call) => {
  const target = call.headers['x-amz-target'];
  if (typeof target !== 'string' || !target.startsWith('AWSStepFunctions.')) return undefined;
  if (target !== 'AWSStepFunctions.StartExecution') return awsJsonError('UnknownOperationException', `${target} is not served locally`);
  const { stateMachineArn, name, input } = JSON.parse(call.body);
  const machine = machines.get(stateMachineArn);
  if (!machine) return awsJsonError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
  // Without a name, Step Functions names the execution with a UUID: each call starts a new one.
  return machine.start(name ?? randomUUID(), input ?? '{}', invocationOfTrace(call.headers['x-amzn-trace-id']));
});
