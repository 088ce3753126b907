import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { parseDeclared, parseRequest } from '../../lambda/event-tracker/request';

const GROUP = 'arn:aws:personalize:us-east-1:123456789012:dataset-group/g';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Shop/11111111-1111-1111-1111-111111111111';

function event(requestType: 'Create' | 'Update' | 'Delete', properties: Record<string, unknown>, old?: Record<string, unknown>): CloudFormationCustomResourceEvent {
  return {
    RequestType: requestType,
    ServiceToken: 'token',
    ResponseURL: 'https://example.com/response',
    StackId: STACK_ID,
    RequestId: 'request-1',
    LogicalResourceId: 'Clicks',
    ResourceType: 'Custom::PersonalizeEventTracker',
    ResourceProperties: { ServiceToken: 'token', ...properties },
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: 'arn:aws:personalize:us-east-1:123456789012:event-tracker/abc' }),
    ...(old ? { OldResourceProperties: old } : {}),
  } as CloudFormationCustomResourceEvent;
}

test('parses the properties CloudFormation delivers as strings', () => {
  expect(parseDeclared({
    ServiceToken: 'token',
    EventTrackerName: 'clicks',
    DatasetGroupArn: GROUP,
    Tags: [{ Key: 'team', Value: 'recs' }, { Key: 'empty' }],
    RemovalPolicy: 'RetainExceptOnCreate',
  })).toEqual({ name: 'clicks', datasetGroupArn: GROUP, tags: new Map([['team', 'recs'], ['empty', '']]), removal: { policy: 'retain-except-on-create', explicit: true }, takeOverArn: undefined });
});

test.each([
  [{}, { policy: 'destroy', explicit: false }],
  [{ RemovalPolicy: 'Destroy' }, { policy: 'destroy', explicit: true }],
  [{ RemovalPolicy: 'Retain' }, { policy: 'retain', explicit: true }],
  // Written by older versions: RetainOnReplacement, and a take-over always kept.
  [{ RetainOnReplacement: 'true' }, { policy: 'retain', explicit: false }],
  [{ TakeOverEventTrackerArn: 'arn:aws:personalize:us-east-1:123456789012:event-tracker/d2e0162e' }, { policy: 'retain', explicit: false }],
])('reads the removal policy of %j', (extra, removal) => {
  expect(parseDeclared({ EventTrackerName: 'clicks', DatasetGroupArn: GROUP, ...extra }).removal).toEqual(removal);
});

test('fails with every problem when properties break Personalize\'s rules', () => {
  expect(() => parseDeclared({ EventTrackerName: 'x'.repeat(64), DatasetGroupArn: 'nope', RemovalPolicy: 'Snapshot' })).toThrow(
    /^Invalid event tracker properties: eventTrackerName 'x{64}' is 64 characters long.* datasetGroupArn 'nope' is not a Personalize ARN.* RemovalPolicy 'Snapshot' is not one of/,
  );
});

test('fails when a property the construct always sets is missing', () => {
  expect(() => parseDeclared({ DatasetGroupArn: GROUP })).toThrow('The property EventTrackerName is missing; the EventTracker construct always sets it.');
});

test('a Create has no physical id yet; an Update reads its old properties leniently', () => {
  expect(parseRequest(event('Create', { EventTrackerName: 'clicks', DatasetGroupArn: GROUP })).physicalId).toBeUndefined();
  const update = parseRequest(event('Update', { EventTrackerName: 'likes', DatasetGroupArn: GROUP }, { EventTrackerName: 'clicks' }));
  expect(update.previous).toEqual({ name: 'clicks', datasetGroupArn: undefined, tags: new Map(), removal: { policy: 'destroy', explicit: false }, takeOverArn: undefined });
});

test('a Delete never fails on its properties: an older version, or a Create that never answered, may leave them partial', () => {
  const request = parseRequest(event('Delete', { EventTrackerName: 'x'.repeat(64) }));
  expect(request.declared).toBeUndefined();
  expect(request.previous?.name).toBe('x'.repeat(64));
});
