import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** What the Provider framework hands onEvent: the CloudFormation request. */
export type OnEventRequest = CloudFormationCustomResourceEvent;

/**
 * What onEvent last saw of the tracker's status. The framework passes extra fields of onEvent's
 * answer on to isComplete, whose first call comes right after onEvent: with a fresh observation it
 * need not ask Personalize again.
 */
export const OBSERVATION_KEY = 'EventTrackerObservation';
/** Not a Personalize status: DescribeEventTracker said ResourceNotFoundException. */
export const GONE = 'GONE';

export interface StatusObservation {
  readonly Status: string;
  /** Epoch milliseconds. */
  readonly ObservedAt: number;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
  readonly [OBSERVATION_KEY]?: StatusObservation;
}

/** What the framework hands isComplete: the request merged with onEvent's answer. */
export type IsCompleteRequest = OnEventRequest & Partial<OnEventResponse> & { readonly PhysicalResourceId: string };

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}
