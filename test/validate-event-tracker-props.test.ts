import { App, CfnParameter, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnDatasetGroup } from 'aws-cdk-lib/aws-personalize';
import { Construct } from 'constructs';
import { EventTracker, EventTrackerProps, ExistingDatasetGroup } from '../src';

let app: App;
let stack: Stack;
let datasetGroup: CfnDatasetGroup;

beforeEach(() => {
  trackers = 0;
  app = new App();
  stack = new Stack(app, 'Personalize');
  datasetGroup = new CfnDatasetGroup(stack, 'Group', { name: 'group' });
});

let trackers = 0;
function tracker(props: Partial<EventTrackerProps>): EventTracker {
  return new EventTracker(stack, `Tracker${++trackers}`, { datasetGroup, ...props });
}

function manyTags(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${i}`, `value${i}`]));
}

describe('eventTrackerName', () => {
  test('fails when empty', () => {
    expect(() => tracker({ eventTrackerName: '' }))
      .toThrow('eventTrackerName is empty; Personalize needs 1 to 63 characters. Give a name, or omit eventTrackerName to get a generated one.');
  });

  test('fails when longer than 63 characters', () => {
    const name = 'a'.repeat(64);
    expect(() => tracker({ eventTrackerName: name }))
      .toThrow(`eventTrackerName '${name}' is 64 characters long; Personalize allows at most 63. Shorten it, or omit eventTrackerName to get a generated one.`);
  });

  test('fails with characters outside the pattern, suggesting a valid name', () => {
    expect(() => tracker({ eventTrackerName: 'my tracker!' }))
      .toThrow("eventTrackerName 'my tracker!' does not match ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*$: only letters, digits, '-' and '_', starting with a letter or digit. Use for example 'my-tracker-'.");
  });

  test('fails when it starts with "-" or "_"', () => {
    expect(() => tracker({ eventTrackerName: '-clicks' })).toThrow(/does not match .*Use for example 'clicks'/);
    expect(() => tracker({ eventTrackerName: '_clicks' })).toThrow(/does not match/);
  });

  test('accepts 63 characters of letters, digits, "-" and "_"', () => {
    const name = `A1-_${'b'.repeat(59)}`;
    expect(tracker({ eventTrackerName: name }).eventTrackerName).toBe(name);
  });

  test('is not checked while it is a token', () => {
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(() => tracker({ eventTrackerName: name })).not.toThrow();
  });
});

describe('dataset group', () => {
  test('fails for an ARN that does not match the Personalize pattern', () => {
    expect(() => ExistingDatasetGroup.fromDatasetGroupArn(stack, 'Existing', 'arn:aws:s3:::bucket'))
      .toThrow("datasetGroupArn 'arn:aws:s3:::bucket' is not a Personalize ARN: it must match ^arn:([a-z\\d-]+):personalize:.*:.*:.+$, e.g. 'arn:aws:personalize:us-east-1:123456789012:dataset-group/my-group'. Pass a CfnDatasetGroup, or ExistingDatasetGroup.fromDatasetGroupArn() with the dataset group's ARN.");
  });

  test('fails for an ARN of another shape given through any IDatasetGroupRef', () => {
    const custom = new class extends Construct {
      public readonly env = { account: '123456789012', region: 'us-east-1' };
      public readonly datasetGroupRef = { datasetGroupArn: 'my-group' };
    }(stack, 'Custom');
    expect(() => tracker({ datasetGroup: custom })).toThrow(/datasetGroupArn 'my-group' is not a Personalize ARN/);
  });

  test('fails for an ARN longer than 256 characters', () => {
    const arn = `arn:aws:personalize:us-east-1:123456789012:dataset-group/${'g'.repeat(250)}`;
    expect(() => ExistingDatasetGroup.fromDatasetGroupArn(stack, 'Existing', arn)).toThrow(/is 307 characters long; Personalize allows at most 256/);
  });

  test('is not checked while it is a token', () => {
    const arn = new CfnParameter(stack, 'GroupArn').valueAsString;
    expect(() => tracker({ datasetGroup: ExistingDatasetGroup.fromDatasetGroupArn(stack, 'Existing', arn) })).not.toThrow();
  });
});

describe('tags', () => {
  test('fails with more than 49: Personalize allows 50, and the handler adds its ownership tag', () => {
    expect(() => tracker({ tags: manyTags(50) }))
      .toThrow("The event tracker has 50 tags; at most 49 are allowed (Personalize allows 50, and the handler adds its ownership tag 'cdk-personalize-event-tracker:owner'). Remove 1 of them (from the tags prop or Tags.of(...).add()).");
  });

  test('accepts 49', () => {
    expect(() => tracker({ tags: manyTags(49) })).not.toThrow();
  });

  test('fails at synth when Tags.of() brings the total over 49', () => {
    tracker({ tags: manyTags(49) });
    Tags.of(stack).add('one-more', 'x');
    expect(() => app.synth()).toThrow(/\[Personalize\/Tracker1\] The event tracker has 50 tags; at most 49 are allowed/);
  });

  test('fails for the handler\'s own tag keys', () => {
    expect(() => tracker({ tags: { 'cdk-personalize-event-tracker:owner': 'mine' } }))
      .toThrow("Tag key 'cdk-personalize-event-tracker:owner' starts with 'cdk-personalize-event-tracker:', the prefix of the handler's own tags (cdk-personalize-event-tracker:owner proves which trackers this stack created). Choose another key.");
    expect(() => tracker({ tags: { 'cdk-personalize-event-tracker:released': 'x' } })).toThrow(/starts with 'cdk-personalize-event-tracker:'/);
  });

  test('fails for characters outside the Tag API reference\'s pattern, in keys and values', () => {
    expect(() => tracker({ tags: { 'team#1': 'recs' } }))
      .toThrow("Tag key 'team#1' has characters Personalize does not allow in tags: it must match ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$ (letters, numbers, spaces and _ . : / = + - @). Replace the others, e.g. 'team_1'.");
    expect(() => tracker({ tags: { team: 'recs&ads' } }))
      .toThrow(/The value 'recs&ads' of tag 'team' has characters Personalize does not allow in tags: .* e\.g\. 'recs_ads'/);
  });

  test('accepts letters, numbers and separators of any script, and _ . : / = + - @', () => {
    expect(() => tracker({ tags: { 'équipe': 'Empfehlungen 推荐', 'path/a=b+c-d@e.f:g_h': '' } })).not.toThrow();
  });

  test('fails for an empty key', () => {
    expect(() => tracker({ tags: { '': 'orphan' } }))
      .toThrow("A tag key is empty (its value is 'orphan'); Personalize needs tag keys of 1 to 128 characters. Give the tag a key or remove it.");
  });

  test('fails for a key longer than 128 characters', () => {
    const key = 'k'.repeat(129);
    expect(() => tracker({ tags: { [key]: 'v' } })).toThrow(`Tag key '${key}' is 129 characters long; Personalize allows at most 128. Shorten the key.`);
  });

  test('fails for a key starting with aws:, in any case', () => {
    expect(() => tracker({ tags: { 'aws:team': 'x' } })).toThrow("Tag key 'aws:team' starts with 'aws:', a prefix reserved for AWS. Choose a key without it.");
    expect(() => tracker({ tags: { 'AWS:team': 'x' } })).toThrow(/Tag key 'AWS:team' starts with 'aws:'/);
  });

  test('fails for a value longer than 256 characters', () => {
    expect(() => tracker({ tags: { team: 'v'.repeat(257) } }))
      .toThrow("The value of tag 'team' is 257 characters long; Personalize allows at most 256. Shorten the value.");
  });

  test('reports every problem at once', () => {
    expect(() => tracker({ eventTrackerName: '', tags: { 'aws:x': 'y' } })).toThrow(/eventTrackerName is empty[\s\S]*Tag key 'aws:x'/);
  });

  test('does not check tags whose value is a token', () => {
    const value = new CfnParameter(stack, 'Team').valueAsString;
    tracker({ tags: { team: value } });
    expect(Template.fromStack(stack).findResources('Custom::PersonalizeEventTracker')).toBeDefined();
  });
});
