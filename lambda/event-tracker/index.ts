import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { logStep } from './log';
import { reconcile } from './reconcile';
import { parseRequest } from './request';
import { clientOptions } from './sdk-clients';
import { StackStatusReader } from './stack-status';
import { Deadline } from './timing';
import { AttributeKey } from '../../src/private/handler-contract';

/**
 * isComplete has minutes, and the Provider calls it again 5 s later anyway: few attempts per call,
 * so that even unanswered calls end in "not complete yet" rather than in a Lambda timeout.
 */
const MAX_ATTEMPTS = 3;

/**
 * Changes nothing: it checks the properties and answers from the request alone, so every delivery
 * of a request gets the same answer (and, where the Provider framework names its waiter execution
 * after the RequestId, joins the one waiter). A Create's physical id is the RequestId until
 * isComplete answers the tracker's ARN.
 */
export async function onEvent(event: CloudFormationCustomResourceEvent, _context: Context): Promise<{ PhysicalResourceId?: string }> {
  const request = parseRequest(event);
  logStep({ requestType: request.type, step: 'received', logicalResourceId: event.LogicalResourceId, physicalResourceId: request.physicalId });
  return request.physicalId === undefined ? {} : { PhysicalResourceId: request.physicalId };
}

/** Does the work: called by the Provider's waiter until it answers complete, fails, or time runs out. */
export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  /** The framework spreads it over the event: the physical id CloudFormation gets is the tracker's ARN. */
  readonly PhysicalResourceId?: string;
  readonly Data?: Record<string, string>;
}

export async function isComplete(event: CloudFormationCustomResourceEvent, context: Context): Promise<IsCompleteResponse> {
  const request = parseRequest(event);
  const deadline = Deadline.fromContext(context);
  const callOptions = () => ({ abortSignal: deadline.abortSignal() });
  const personalize = new PersonalizeClient(clientOptions(MAX_ATTEMPTS, deadline));
  const stack = new StackStatusReader(deadline, callOptions);
  try {
    const outcome = await reconcile(request, { personalize, stackStatus: (stackId) => stack.read(stackId), callOptions }, deadline);
    if (!outcome.complete) {
      return { IsComplete: false };
    }
    const answer = outcome.answer;
    return answer === undefined ? { IsComplete: true } : {
      IsComplete: true,
      PhysicalResourceId: answer.arn,
      Data: {
        [AttributeKey.TRACKING_ID]: answer.trackingId,
        [AttributeKey.EVENT_TRACKER_ARN]: answer.arn,
        [AttributeKey.EVENT_TRACKER_NAME]: answer.name,
      },
    };
  } catch (error) {
    logStep({ requestType: request.type, step: 'failed', physicalResourceId: request.physicalId, error: (error as Error).message });
    throw error;
  } finally {
    personalize.destroy();
    stack.destroy();
  }
}
