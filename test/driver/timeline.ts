import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import type { LogLine } from './log-capture';

/** What the framework PUTs to the ResponseURL (it always sets Reason: the status when there is no error). */
export type CloudFormationResponse = CloudFormationCustomResourceResponse & { readonly Reason: string };

/** A request CloudFormation sent to the provider (ServiceToken). */
export interface RequestEntry {
  readonly kind: 'request';
  readonly at: number;
  readonly request: CloudFormationCustomResourceEvent;
  /** 1 for the first delivery of this RequestId to the provider, 2 for a duplicate (Lambda delivers at least once). */
  readonly delivery: number;
}

/** One invocation of a function of the Provider framework itself (aws-cdk-lib's framework.js). */
export interface FrameworkInvocationEntry {
  readonly kind: 'framework';
  readonly at: number;
  readonly handler: 'onEvent' | 'isComplete' | 'onTimeout';
  readonly awsRequestId: string;
  /** CloudFormation's RequestId of the request being handled. */
  readonly requestId: string;
  /** The Lambda error payload, when it threw or timed out (an isComplete asking for a retry throws). */
  readonly error?: { readonly errorType?: string; readonly errorMessage: string };
  readonly durationMs: number;
  /** What framework.js logged (in AWS its functions log at level FATAL, so these lines are dropped there). */
  readonly logs: LogLine[];
}

/**
 * A states:StartExecution call of the framework's onEvent. aws-cdk-lib 2.224.0 names the execution
 * after the RequestId; later versions start it without a name (Step Functions then gives it a UUID).
 */
export interface StartExecutionEntry {
  readonly kind: 'start-execution';
  readonly at: number;
  /** The RequestId of the request in the execution's input. */
  readonly requestId: string;
  readonly executionName: string;
  /** started, joined (the running execution with that name and input), or the error code. */
  readonly outcome: string;
  /** awsRequestId of the framework onEvent invocation that called. */
  readonly caller?: string;
}

/** One run of a user handler (onEvent, or one isComplete poll). */
export interface InvocationEntry {
  readonly kind: 'invocation';
  readonly at: number;
  readonly handler: 'onEvent' | 'isComplete';
  readonly functionName: string;
  readonly awsRequestId: string;
  /** CloudFormation's RequestId of the request being handled. */
  readonly requestId: string;
  /** 1 for onEvent; 1, 2, ... for the isComplete polls of one request. */
  readonly attempt: number;
  /** The event as the handler received it. */
  readonly event: Record<string, any>;
  /** What the handler returned (JSON round-tripped), when it did not fail. */
  readonly result?: any;
  /** The Lambda error payload, when it threw or timed out. */
  readonly error?: { readonly errorType?: string; readonly errorMessage: string; readonly trace?: string[] };
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** Everything the handler wrote through console.* and process.stdout/stderr. */
  readonly logs: LogLine[];
}

/** The response the framework sent to the ResponseURL. */
export interface ResponseEntry {
  readonly kind: 'response';
  readonly at: number;
  readonly responseUrl: string;
  readonly response: CloudFormationResponse;
  /** The JSON body as sent, and its UTF-8 length. */
  readonly body: string;
  readonly bytes: number;
  /** Over CloudFormation's 4096-byte limit: CloudFormation rejects it ("Response object is too long."). */
  readonly tooLarge: boolean;
  /** The framework function that sent it. */
  readonly from?: 'onEvent' | 'isComplete' | 'onTimeout';
  /** The HTTP status the ResponseURL answered (503 for an injected fault). */
  readonly httpStatus: number;
  /** The first successful PUT to its ResponseURL: the one CloudFormation acts on; later ones are ignored. */
  readonly accepted: boolean;
}

/** A stack event as DescribeStackEvents shows it: for the stack itself, logicalResourceId is the stack name. */
export interface StackEventEntry {
  readonly kind: 'stack-event';
  readonly at: number;
  readonly logicalResourceId: string;
  readonly physicalResourceId?: string;
  readonly status: string;
  readonly reason?: string;
}

export type TimelineEntry = RequestEntry | InvocationEntry | FrameworkInvocationEntry | StartExecutionEntry | ResponseEntry | StackEventEntry;
