import { DeleteEventTrackerCommand, DescribeEventTrackerCommand, ListTagsForResourceCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { checkCompletion } from '../../lambda/event-tracker/is-complete';
import { ownershipProof } from '../../lambda/event-tracker/ownership';
import { IsCompleteRequest } from '../../lambda/event-tracker/provider-types';
import { Step } from '../../lambda/event-tracker/step';
import { Deadline } from '../../lambda/event-tracker/timing';

const ARN = 'arn:aws:personalize:us-east-1:123456789012:event-tracker/abcd1234';
const personalize = mockClient(PersonalizeClient);
const client = new PersonalizeClient({ region: 'us-east-1' });
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Shop/0a1b2c3d-0000-0000-0000-000000000000';

function stepFor(requestType: string): Step {
  return { client, deadline: Deadline.fromContext({ getRemainingTimeInMillis: () => 60_000 }), requestType, startedAt: Date.now() };
}

function request(requestType: 'Create' | 'Update' | 'Delete', extra: Record<string, unknown> = {}): IsCompleteRequest {
  return {
    RequestType: requestType,
    PhysicalResourceId: ARN,
    ServiceToken: 'token',
    ResponseURL: 'https://example.com/response?X-Amz-Signature=secret',
    StackId: STACK_ID,
    RequestId: 'request',
    LogicalResourceId: 'Tracker',
    ResourceType: 'Custom::PersonalizeEventTracker',
    ResourceProperties: { ServiceToken: 'token' },
    ...extra,
  } as IsCompleteRequest;
}

function serviceError(name: string, httpStatusCode: number, fault: 'client' | 'server'): Error {
  return Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode } });
}

function tracker(status: string) {
  return { eventTracker: { eventTrackerArn: ARN, name: 'clicks', datasetGroupArn: 'arn:aws:personalize:us-east-1:123456789012:dataset-group/g', trackingId: 'tid', status } };
}

beforeEach(() => {
  personalize.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

describe.each([
  ['throttling', serviceError('ThrottlingException', 400, 'client')],
  ['LimitExceededException', serviceError('LimitExceededException', 400, 'client')],
  ['a 503', serviceError('ServiceUnavailable', 503, 'server')],
  ['a 500', serviceError('InternalServerError', 500, 'server')],
  ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
])('after %s that outlived the SDK retries', (_, error) => {
  test.each(['Create', 'Update', 'Delete'] as const)('%s is "not complete yet"', async (requestType) => {
    personalize.on(DescribeEventTrackerCommand).rejects(error);
    await expect(checkCompletion(stepFor(requestType), request(requestType))).resolves.toEqual({ IsComplete: false });
    expect(personalize.commandCalls(DescribeEventTrackerCommand)).toHaveLength(1);
  });
});

test('fails on an error that is not transient', async () => {
  personalize.on(DescribeEventTrackerCommand).rejects(serviceError('AccessDeniedException', 400, 'client'));
  await expect(checkCompletion(stepFor('Create'), request('Create'))).rejects.toThrow('AccessDeniedException');
});

test('completes a create on ACTIVE with the attributes', async () => {
  personalize.on(DescribeEventTrackerCommand).resolves(tracker('ACTIVE'));
  await expect(checkCompletion(stepFor('Create'), request('Create'))).resolves.toEqual({
    IsComplete: true,
    Data: { TrackingId: 'tid', EventTrackerArn: ARN, EventTrackerName: 'clicks' },
  });
});

test('fails a create that reached CREATE FAILED, naming tracker, dataset group and state', async () => {
  personalize.on(DescribeEventTrackerCommand).resolves(tracker('CREATE FAILED'));
  await expect(checkCompletion(stepFor('Create'), request('Create'))).rejects.toThrow(
    `Event tracker 'clicks' (${ARN}) for dataset group arn:aws:personalize:us-east-1:123456789012:dataset-group/g reached status CREATE FAILED instead of ACTIVE`,
  );
});

test('asks for the deletion of a tracker that reached CREATE FAILED before failing', async () => {
  personalize.on(DescribeEventTrackerCommand).resolves(tracker('CREATE FAILED'));
  personalize.on(DeleteEventTrackerCommand).resolves({});
  await expect(checkCompletion(stepFor('Create'), request('Create'))).rejects.toThrow('it is being deleted');
  expect(personalize.commandCalls(DeleteEventTrackerCommand).map((call) => call.args[0].input)).toEqual([{ eventTrackerArn: ARN }]);
});

test('does not delete, and completes, a tracker that carries another resource\'s ownership tag', async () => {
  personalize.on(DescribeEventTrackerCommand).resolves(tracker('ACTIVE'));
  personalize.on(ListTagsForResourceCommand).resolves({ tags: [{ tagKey: 'cdk-personalize-event-tracker:owner', tagValue: 'Other/0123456789' }] });
  await expect(checkCompletion(stepFor('Delete'), request('Delete'))).resolves.toEqual({ IsComplete: true });
  expect(personalize.commandCalls(DeleteEventTrackerCommand)).toHaveLength(0);
});

test('asks for the deletion again once a tracker that was being created allows it', async () => {
  personalize.on(DescribeEventTrackerCommand).resolves(tracker('ACTIVE'));
  personalize.on(ListTagsForResourceCommand).resolves({ tags: [ownershipProof({ stackId: STACK_ID, logicalResourceId: 'Tracker' })] });
  personalize.on(DeleteEventTrackerCommand).resolves({});
  await expect(checkCompletion(stepFor('Delete'), request('Delete'))).resolves.toEqual({ IsComplete: false });
  expect(personalize.commandCalls(DeleteEventTrackerCommand)).toHaveLength(1);
});

test('completes a delete of a physical id that is no tracker ARN without calls', async () => {
  await expect(checkCompletion(stepFor('Delete'), request('Delete', { PhysicalResourceId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' })))
    .resolves.toEqual({ IsComplete: true });
  expect(personalize.calls()).toHaveLength(0);
});
