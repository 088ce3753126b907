import { CreateEventTrackerCommand, DescribeEventTrackerCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/*
 * The alternative the deploy-latency bench compares with: a handler that creates and returns, then
 * describes once per poll of the same Provider (as a naive provider-per-tracker library does).
 * Exported as the template's Handler names them (index.onEvent, index.isComplete).
 */

export async function onEvent(event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string }> {
  if (event.RequestType !== 'Create') return { PhysicalResourceId: event.PhysicalResourceId };
  const created = await new PersonalizeClient({}).send(new CreateEventTrackerCommand({
    name: event.ResourceProperties.EventTrackerName,
    datasetGroupArn: event.ResourceProperties.DatasetGroupArn,
  }));
  return { PhysicalResourceId: created.eventTrackerArn! };
}

export async function isComplete(
  event: CloudFormationCustomResourceEvent & { PhysicalResourceId: string },
): Promise<{ IsComplete: boolean; Data?: Record<string, string | undefined> }> {
  if (event.RequestType !== 'Create') return { IsComplete: true };
  const { eventTracker } = await new PersonalizeClient({}).send(new DescribeEventTrackerCommand({ eventTrackerArn: event.PhysicalResourceId }));
  return eventTracker?.status === 'ACTIVE' ? { IsComplete: true, Data: { TrackingId: eventTracker.trackingId } } : { IsComplete: false };
}
