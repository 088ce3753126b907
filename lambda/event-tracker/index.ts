import type { CloudFormationCustomResourceUpdateEvent, Context } from 'aws-lambda';
import { checkCompletion } from './is-complete';
import { logStep } from './log';
import { onCreate } from './on-create';
import { onDelete } from './on-delete';
import { onUpdate } from './on-update';
import { createPersonalizeClient } from './personalize-client';
import { IsCompleteRequest, IsCompleteResponse, OnEventRequest, OnEventResponse } from './provider-types';
import { Step } from './step';
import { Deadline } from './timing';

/** onEvent has minutes: enough attempts that a throttled account still gets its tracker. */
const ON_EVENT_MAX_ATTEMPTS = 8;
/**
 * isComplete has one minute, and the Provider calls it again 5 s later anyway: few attempts, so
 * that even unanswered requests end in "not complete yet" rather than in a Lambda timeout.
 */
const IS_COMPLETE_MAX_ATTEMPTS = 3;

export async function onEvent(event: OnEventRequest, context: Context): Promise<OnEventResponse> {
  const step: Step = {
    client: createPersonalizeClient(ON_EVENT_MAX_ATTEMPTS),
    deadline: Deadline.fromContext(context),
    requestType: event.RequestType,
  };
  logStep({ requestType: event.RequestType, step: 'received', logicalResourceId: event.LogicalResourceId, physicalResourceId: physicalIdOf(event) });
  try {
    switch (event.RequestType) {
      case 'Create':
        return await onCreate(step, event);
      case 'Update':
        return await onUpdate(step, event as CloudFormationCustomResourceUpdateEvent);
      case 'Delete':
        return await onDelete(step, event.PhysicalResourceId);
    }
  } catch (error) {
    logStep({ requestType: event.RequestType, step: 'failed', physicalResourceId: physicalIdOf(event), error: (error as Error).message });
    throw error;
  }
}

export async function isComplete(event: IsCompleteRequest, _context: Context): Promise<IsCompleteResponse> {
  return checkCompletion(createPersonalizeClient(IS_COMPLETE_MAX_ATTEMPTS), event);
}

function physicalIdOf(event: OnEventRequest): string | undefined {
  return event.RequestType === 'Create' ? undefined : event.PhysicalResourceId;
}
