import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** What the Provider framework hands onEvent: the CloudFormation request. */
export type OnEventRequest = CloudFormationCustomResourceEvent;

/** Not a Personalize status: DescribeEventTracker said ResourceNotFoundException. */
export const GONE = 'GONE';

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** What the framework hands isComplete: the request merged with onEvent's answer. */
export type IsCompleteRequest = OnEventRequest & Partial<OnEventResponse> & { readonly PhysicalResourceId: string };

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}
