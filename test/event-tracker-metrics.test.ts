import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CfnDatasetGroup } from 'aws-cdk-lib/aws-personalize';
import { EventTracker, IEventTracker } from '../src';

const TRACKER_ARN = 'arn:aws:personalize:us-east-1:123456789012:event-tracker/abcd1234';
// The developer guide's table ("CloudWatch metrics for Amazon Personalize"): every PutEvents metric
// carries exactly these dimensions.
const DOCUMENTED_DIMENSIONS = ['DatasetArn', 'DatasetGroupArn', 'EventTrackerArn'];

let app: App;
let stack: Stack;

beforeEach(() => {
  app = new App();
  stack = new Stack(app, 'Monitoring');
});

/** The parts of a rendered Metrics Insights query; fails the test if the query has another shape. */
function parseQuery(query: string): { fn: string; metricName: string; namespace: string; dimensions: string[]; trackerArn: string } {
  const match = /^SELECT (\w+)\("([^"]+)"\) FROM SCHEMA\("([^"]+)", ([\w, ]+)\) WHERE EventTrackerArn = '([^']+)'$/.exec(query);
  expect(match).not.toBeNull();
  const [, fn, metricName, namespace, dimensions, trackerArn] = match!;
  return { fn, metricName, namespace, dimensions: dimensions.split(', ').sort(), trackerArn };
}

/** The one alarm of the stack, with its single Metrics Insights query. */
function renderedAlarm(): { alarm: Record<string, any>; query: Record<string, any> } {
  const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
  expect(alarms).toHaveLength(1);
  const alarm = alarms[0].Properties;
  expect(alarm.Metrics).toHaveLength(1);
  return { alarm, query: alarm.Metrics[0] };
}

const METHODS: Array<[string, (tracker: IEventTracker) => cloudwatch.MathExpression, string, string]> = [
  ['metricPutEventsRequests', (t) => t.metricPutEventsRequests(), 'PutEventsRequests', 'SUM'],
  ['metricPutEvents4xxErrors', (t) => t.metricPutEvents4xxErrors(), 'PutEvents4xxErrors', 'SUM'],
  ['metricPutEvents5xxErrors', (t) => t.metricPutEvents5xxErrors(), 'PutEvents5xxErrors', 'SUM'],
  ['metricPutEventLatency', (t) => t.metricPutEventLatency(), 'PutEventLatency', 'AVG'],
  ['metric', (t) => t.metric('PutEventsRequests'), 'PutEventsRequests', 'AVG'],
];

describe('an alarm on each metric of an imported tracker', () => {
  test.each(METHODS)('%s selects its metric under the documented dimensions, filtered on the tracker ARN', (_, method, metricName, fn) => {
    const tracker = EventTracker.fromEventTrackerArn(stack, 'Tracker', TRACKER_ARN);
    method(tracker).createAlarm(stack, 'Alarm', { threshold: 1, evaluationPeriods: 1 });

    const { alarm, query } = renderedAlarm();
    expect(alarm.MetricName).toBeUndefined();
    expect(alarm.Namespace).toBeUndefined();
    expect(alarm.Dimensions).toBeUndefined();
    expect(query).toEqual({ Id: 'expr_1', Expression: expect.any(String), Label: metricName, Period: 300, ReturnData: true });
    expect(parseQuery(query.Expression)).toEqual({
      fn, metricName, namespace: 'AWS/Personalize', dimensions: DOCUMENTED_DIMENSIONS, trackerArn: TRACKER_ARN,
    });
  });

  test('needs no datasetGroupArn: the query filters on the tracker ARN alone', () => {
    const tracker = EventTracker.fromEventTrackerArn(stack, 'Tracker', TRACKER_ARN);
    expect(() => tracker.datasetGroupArn).toThrow(/imported without its datasetGroupArn/);
    expect(() => tracker.metricPutEvents5xxErrors().createAlarm(stack, 'Alarm', { threshold: 1, evaluationPeriods: 1 })).not.toThrow();
  });

  test('a token ARN goes into the query as it resolves at deploy time', () => {
    const arn = new CfnParameter(stack, 'TrackerArn').valueAsString;
    EventTracker.fromEventTrackerArn(stack, 'Tracker', arn).metricPutEventsRequests().createAlarm(stack, 'Alarm', { threshold: 1, evaluationPeriods: 1 });

    expect(renderedAlarm().query.Expression).toEqual({
      'Fn::Join': ['', [
        'SELECT SUM("PutEventsRequests") FROM SCHEMA("AWS/Personalize", DatasetGroupArn, DatasetArn, EventTrackerArn) WHERE EventTrackerArn = \'',
        { Ref: 'TrackerArn' },
        '\'',
      ]],
    });
  });
});

describe('an alarm on each metric of a new tracker', () => {
  test.each(METHODS)('%s reads the tracker ARN from the custom resource', (_, method, metricName, fn) => {
    const tracker = new EventTracker(stack, 'Tracker', { datasetGroup: new CfnDatasetGroup(stack, 'Group', { name: 'group' }) });
    method(tracker).createAlarm(stack, 'Alarm', { threshold: 1, evaluationPeriods: 1 });

    const trackerId = Object.keys(Template.fromStack(stack).findResources('Custom::PersonalizeEventTracker'))[0];
    const [prefix, arn, suffix] = renderedAlarm().query.Expression['Fn::Join'][1];
    expect(arn).toEqual({ 'Fn::GetAtt': [trackerId, 'EventTrackerArn'] });
    expect(parseQuery(`${prefix}TRACKER${suffix}`)).toEqual({
      fn, metricName, namespace: 'AWS/Personalize', dimensions: DOCUMENTED_DIMENSIONS, trackerArn: 'TRACKER',
    });
  });

  test('an alarm in another stack reads the ARN through a cross-stack reference', () => {
    const tracker = new EventTracker(stack, 'Tracker', { datasetGroup: new CfnDatasetGroup(stack, 'Group', { name: 'group' }) });
    const alarms = new Stack(app, 'Alarms');
    tracker.metricPutEvents5xxErrors().createAlarm(alarms, 'Alarm', { threshold: 1, evaluationPeriods: 1 });

    const [, arn] = Object.values(Template.fromStack(alarms).findResources('AWS::CloudWatch::Alarm'))[0]
      .Properties.Metrics[0].Expression['Fn::Join'][1];
    expect(arn).toEqual({ 'Fn::ImportValue': expect.stringContaining('EventTrackerArn') });
  });
});

describe('options', () => {
  const tracker = () => EventTracker.fromEventTrackerArn(stack, 'Tracker', TRACKER_ARN);

  test('period, label and color reach the alarm and the graph', () => {
    const metric = tracker().metricPutEventLatency({ period: Duration.minutes(1), label: 'latency (ms)', color: '#ff0000' });
    metric.createAlarm(stack, 'Alarm', { threshold: 500, evaluationPeriods: 5 });
    // A widget with a region: its dashboard body is one string.
    new cloudwatch.Dashboard(stack, 'Dashboard', { widgets: [[new cloudwatch.GraphWidget({ left: [metric], region: 'us-east-1' })]] });

    expect(renderedAlarm().query).toMatchObject({ Label: 'latency (ms)', Period: 60 });
    const dashboard = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.parse(dashboard.Properties.DashboardBody);
    expect(body.widgets[0].properties.metrics).toEqual([[{
      expression: metric.expression, label: 'latency (ms)', color: '#ff0000', period: 60,
    }]]);
  });

  test.each([
    [cloudwatch.Stats.SUM, 'SUM'],
    [cloudwatch.Stats.AVERAGE, 'AVG'],
    [cloudwatch.Stats.MINIMUM, 'MIN'],
    [cloudwatch.Stats.MAXIMUM, 'MAX'],
    [cloudwatch.Stats.SAMPLE_COUNT, 'COUNT'],
    ['maximum', 'MAX'],
  ])('statistic %s becomes the Metrics Insights function %s', (statistic, fn) => {
    expect(parseQuery(tracker().metricPutEventLatency({ statistic }).expression).fn).toBe(fn);
  });

  test('fails for a percentile, naming the statistics that work', () => {
    expect(() => tracker().metricPutEventLatency({ statistic: 'p99' })).toThrow(
      "statistic 'p99' cannot be used for the event tracker metric PutEventLatency: the metric is read with a CloudWatch Metrics Insights query, "
      + 'which aggregates with SUM, AVG, MIN, MAX or COUNT only. Use Sum, Average, Minimum, Maximum or SampleCount (cloudwatch.Stats.SUM, ...).');
  });

  test.each([Duration.seconds(30), Duration.seconds(90)])('fails for a period of %s, which is no whole number of minutes', (period) => {
    expect(() => tracker().metricPutEventsRequests({ period }))
      .toThrow(/period .* cannot be used for the event tracker metric PutEventsRequests: .* whole number of minutes\. Use Duration\.minutes\(1\) or longer\./);
  });

  test('fails for an empty metric name', () => {
    expect(() => tracker().metric('')).toThrow('metricName is empty: give the name of an AWS/Personalize metric, for example PutEventsRequests.');
  });

  test('quotation marks in a metric name are escaped, so they cannot end the query\'s strings', () => {
    expect(tracker().metric('a"b\'c').expression).toContain('AVG("a\\"b\\\'c")');
  });
});

test('the alarm stays a single time series: no GROUP BY, no SEARCH, no searchAccount or searchRegion', () => {
  const metric = EventTracker.fromEventTrackerArn(stack, 'Tracker', TRACKER_ARN).metricPutEvents5xxErrors();
  expect(metric.expression).not.toMatch(/GROUP BY|SEARCH\(/);
  expect(metric.searchAccount).toBeUndefined();
  expect(metric.searchRegion).toBeUndefined();
  expect(metric.usingMetrics).toEqual({});
  metric.createAlarm(stack, 'Alarm', { threshold: 1, evaluationPeriods: 1 });
  Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: [Match.objectLike({ ReturnData: true })] });
});
