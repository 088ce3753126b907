import { parseDesiredTracker, parsePreviousTracker } from '../../lambda/event-tracker/properties';

const GROUP = 'arn:aws:personalize:us-east-1:123456789012:dataset-group/g';

test('parses the properties CloudFormation delivers as strings', () => {
  expect(parseDesiredTracker({
    ServiceToken: 'token',
    EventTrackerName: 'clicks',
    DatasetGroupArn: GROUP,
    Tags: [{ Key: 'team', Value: 'recs' }, { Key: 'empty' }],
    RetainOnReplacement: 'true',
  })).toEqual({ name: 'clicks', datasetGroupArn: GROUP, tags: new Map([['team', 'recs'], ['empty', '']]), retain: true, destroyExplicitly: false, takeOverArn: undefined });
});

test('fails with every problem when properties break Personalize\'s rules', () => {
  expect(() => parseDesiredTracker({ EventTrackerName: 'x'.repeat(64), DatasetGroupArn: 'nope' })).toThrow(
    /^Invalid event tracker properties: eventTrackerName 'x{64}' is 64 characters long.* datasetGroupArn 'nope' is not a Personalize ARN/,
  );
});

test('fails when a property the construct always sets is missing', () => {
  expect(() => parseDesiredTracker({ DatasetGroupArn: GROUP })).toThrow('The property EventTrackerName is missing; the EventTracker construct always sets it.');
});

test('reads old properties leniently: keys an older version did not write are undefined', () => {
  expect(parsePreviousTracker({ EventTrackerName: 'clicks' })).toEqual({ name: 'clicks', datasetGroupArn: undefined, tags: new Map(), takeOverArn: undefined });
  expect(parsePreviousTracker(undefined)).toEqual({ name: undefined, datasetGroupArn: undefined, tags: new Map(), takeOverArn: undefined });
});
