import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * Where Personalize publishes the event tracker metrics, and under which dimensions: every
 * PutEvents metric carries exactly these three (developer guide, "CloudWatch metrics for Amazon
 * Personalize"). CloudWatch matches a metric by its exact dimension set.
 */
export const PERSONALIZE_NAMESPACE = 'AWS/Personalize';
export const EVENT_TRACKER_DIMENSIONS = ['DatasetGroupArn', 'DatasetArn', 'EventTrackerArn'] as const;

/**
 * CloudWatch statistics and the Metrics Insights function that computes each. Metrics Insights has
 * no percentiles; Personalize documents Average, Minimum, Maximum and Sum for these metrics, and
 * CloudWatch keeps SampleCount for every metric.
 */
const FUNCTION_OF_STATISTIC: Record<string, string> = {
  sum: 'SUM',
  average: 'AVG',
  minimum: 'MIN',
  maximum: 'MAX',
  samplecount: 'COUNT',
};

/** The options `metric*()` accept (EventTrackerMetricOptions, kept structural to avoid an import cycle). */
export interface MetricQueryOptions {
  readonly period?: Duration;
  readonly statistic?: string;
  readonly label?: string;
  readonly color?: string;
}

/**
 * One metric of one tracker, as a Metrics Insights query: the metric under the documented dimension
 * set, filtered on the tracker's ARN. The DatasetArn value is never needed, so it is never guessed.
 * The query has no GROUP BY, so it returns one time series, which alarms accept.
 */
export function eventTrackerMetric(
  eventTrackerArn: string, metricName: string, defaultStatistic: string, options: MetricQueryOptions = {},
): cloudwatch.MathExpression {
  const statistic = options.statistic ?? defaultStatistic;
  const period = options.period ?? Duration.minutes(5);
  validate(metricName, statistic, period);
  return new cloudwatch.MathExpression({
    expression: eventTrackerMetricQuery(eventTrackerArn, metricName, metricsInsightsFunction(statistic)),
    period,
    label: options.label ?? metricName,
    color: options.color,
  });
}

export function eventTrackerMetricQuery(eventTrackerArn: string, metricName: string, fn: string): string {
  return `SELECT ${fn}("${escape(metricName)}") FROM SCHEMA("${PERSONALIZE_NAMESPACE}", ${EVENT_TRACKER_DIMENSIONS.join(', ')}) `
    + `WHERE EventTrackerArn = '${escape(eventTrackerArn)}'`;
}

function metricsInsightsFunction(statistic: string): string {
  return FUNCTION_OF_STATISTIC[statistic.toLowerCase()];
}

function validate(metricName: string, statistic: string, period: Duration): void {
  const problems: string[] = [];
  if (!Token.isUnresolved(metricName) && metricName.length === 0) {
    problems.push('metricName is empty: give the name of an AWS/Personalize metric, for example PutEventsRequests.');
  }
  if (metricsInsightsFunction(statistic) === undefined) {
    problems.push(`statistic '${statistic}' cannot be used for the event tracker metric ${metricName}: the metric is read with a CloudWatch Metrics Insights query, `
      + 'which aggregates with SUM, AVG, MIN, MAX or COUNT only. Use Sum, Average, Minimum, Maximum or SampleCount (cloudwatch.Stats.SUM, ...).');
  }
  if (!Token.isUnresolved(period.toSeconds()) && (period.toSeconds() < 60 || period.toSeconds() % 60 !== 0)) {
    problems.push(`period ${period.toHumanString()} cannot be used for the event tracker metric ${metricName}: Metrics Insights aggregates `
      + 'at one-minute granularity, so the period must be a whole number of minutes. Use Duration.minutes(1) or longer.');
  }
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
}

/**
 * Metrics Insights escapes quotation marks (and so backslashes) with a backslash. Token markers hold
 * neither, so a value with tokens keeps them intact.
 */
function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/["']/g, (quote) => `\\${quote}`);
}
