import { Arn, ArnFormat, CfnDeletionPolicy, CfnResource, Duration, IResource, ITaggable, Lazy, RemovalPolicy, Resource, TagManager, TagType, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { aws_personalize as personalizeRefs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { defaultEventTrackerName } from './private/default-name';
import { eventTrackerMetric } from './private/event-tracker-metric-query';
import { EventTrackerProvider, SERVICE_TIMEOUT } from './private/event-tracker-provider';
import { AttributeKey, DESTROY, EVENT_TRACKER_RESOURCE_TYPE, ResourcePropertyKey, RETAIN } from './private/handler-contract';
import { claimDatasetGroup } from './private/one-tracker-per-dataset-group';
import { validateEventTrackerProps, validateRemovalPolicy, validateTags } from './private/validate-event-tracker-props';

/**
 * Options of the event tracker metrics. The metrics are CloudWatch Metrics Insights queries, so only
 * what a query can change is here.
 */
export interface EventTrackerMetricOptions {
  /**
   * The period over which the statistic is applied: a whole number of minutes (Metrics Insights
   * aggregates at one-minute granularity). An alarm evaluates at most the last 3 hours of a
   * Metrics Insights query, so keep period x evaluationPeriods within 3 hours.
   *
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;

  /**
   * The statistic: `Sum`, `Average`, `Minimum`, `Maximum` or `SampleCount` (the Metrics Insights
   * functions SUM, AVG, MIN, MAX and COUNT). Percentiles are not available in Metrics Insights.
   *
   * @default - Sum for the request and error counts, Average for the latency and for `metric()`
   */
  readonly statistic?: string;

  /**
   * The label of the metric in graphs and alarms.
   *
   * @default - the metric name
   */
  readonly label?: string;

  /**
   * The color of the metric in graphs, as a hex code (`cloudwatch.Color` has some).
   *
   * @default - automatic color
   */
  readonly color?: string;
}

/**
 * An Amazon Personalize event tracker, created in this app or imported.
 */
export interface IEventTracker extends IResource {
  /**
   * The ARN of the event tracker.
   *
   * @attribute
   */
  readonly eventTrackerArn: string;

  /**
   * The name of the event tracker.
   *
   * @attribute
   */
  readonly eventTrackerName: string;

  /**
   * The tracking ID that PutEvents calls must send.
   *
   * @attribute
   */
  readonly trackingId: string;

  /**
   * The ARN of the dataset group that receives the events.
   *
   * @attribute
   */
  readonly datasetGroupArn: string;

  /**
   * Grants the given actions on this event tracker.
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants `personalize:PutEvents`, to record events with this tracker's trackingId.
   *
   * The grant is on Resource `*`: the PutEvents API reference says a caller's role needs
   * `personalize:PutEvents` on the wildcard, because PutEvents identifies the tracker by its
   * trackingId, not by an ARN.
   */
  grantPutEvents(grantee: iam.IGrantable): iam.Grant;

  /**
   * A metric of this event tracker: the metric `metricName` of namespace AWS/Personalize under the
   * dimensions DatasetGroupArn, DatasetArn and EventTrackerArn, selected by this tracker's ARN with a
   * CloudWatch Metrics Insights query. Works in alarms (`createAlarm`) and dashboards.
   *
   * @default - average over 5 minutes
   */
  metric(metricName: string, props?: EventTrackerMetricOptions): cloudwatch.MathExpression;

  /**
   * The number of successful PutEvents requests (metric PutEventsRequests).
   *
   * @default - sum over 5 minutes
   */
  metricPutEventsRequests(props?: EventTrackerMetricOptions): cloudwatch.MathExpression;

  /**
   * The number of PutEvents requests that failed with a 4xx error (metric PutEvents4xxErrors).
   *
   * @default - sum over 5 minutes
   */
  metricPutEvents4xxErrors(props?: EventTrackerMetricOptions): cloudwatch.MathExpression;

  /**
   * The number of PutEvents requests that failed with a 5xx error (metric PutEvents5xxErrors).
   *
   * @default - sum over 5 minutes
   */
  metricPutEvents5xxErrors(props?: EventTrackerMetricOptions): cloudwatch.MathExpression;

  /**
   * The time successful PutEvents requests took, in milliseconds (metric PutEventLatency).
   *
   * @default - average over 5 minutes
   */
  metricPutEventLatency(props?: EventTrackerMetricOptions): cloudwatch.MathExpression;
}

/** Grants and metrics, written once for created and imported trackers. */
abstract class EventTrackerBase extends Resource implements IEventTracker {
  public abstract readonly eventTrackerArn: string;
  public abstract readonly eventTrackerName: string;
  public abstract readonly trackingId: string;
  public abstract readonly datasetGroupArn: string;

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.eventTrackerArn] });
  }

  public grantPutEvents(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['personalize:PutEvents'], resourceArns: ['*'] });
  }

  public metric(metricName: string, props?: EventTrackerMetricOptions): cloudwatch.MathExpression {
    return eventTrackerMetric(this.eventTrackerArn, metricName, cloudwatch.Stats.AVERAGE, props);
  }

  public metricPutEventsRequests(props?: EventTrackerMetricOptions): cloudwatch.MathExpression {
    return eventTrackerMetric(this.eventTrackerArn, 'PutEventsRequests', cloudwatch.Stats.SUM, props);
  }

  public metricPutEvents4xxErrors(props?: EventTrackerMetricOptions): cloudwatch.MathExpression {
    return eventTrackerMetric(this.eventTrackerArn, 'PutEvents4xxErrors', cloudwatch.Stats.SUM, props);
  }

  public metricPutEvents5xxErrors(props?: EventTrackerMetricOptions): cloudwatch.MathExpression {
    return eventTrackerMetric(this.eventTrackerArn, 'PutEvents5xxErrors', cloudwatch.Stats.SUM, props);
  }

  public metricPutEventLatency(props?: EventTrackerMetricOptions): cloudwatch.MathExpression {
    return eventTrackerMetric(this.eventTrackerArn, 'PutEventLatency', cloudwatch.Stats.AVERAGE, props);
  }
}

/**
 * What `EventTracker.fromEventTrackerAttributes()` needs to know of an existing tracker.
 */
export interface EventTrackerAttributes {
  /**
   * The ARN of the event tracker.
   */
  readonly eventTrackerArn: string;

  /**
   * The name of the event tracker. An event tracker ARN ends in an id that Personalize generates
   * (`event-tracker/d2e0162e`), not in the name, so the ARN does not tell it.
   *
   * @default - reading `eventTrackerName` throws
   */
  readonly eventTrackerName?: string;

  /**
   * The tracking ID of the event tracker (DescribeEventTracker shows it).
   *
   * @default - reading `trackingId` throws
   */
  readonly trackingId?: string;

  /**
   * The ARN of the dataset group the tracker belongs to.
   *
   * @default - reading `datasetGroupArn` throws
   */
  readonly datasetGroupArn?: string;
}

/**
 * Properties of an EventTracker.
 */
export interface EventTrackerProps {
  /**
   * The dataset group that receives the events. A `CfnDatasetGroup` works directly; for an
   * existing one, use `ExistingDatasetGroup.fromDatasetGroupArn()`.
   *
   * A dataset group holds one event tracker.
   */
  readonly datasetGroup: personalizeRefs.IDatasetGroupRef;

  /**
   * The name of the event tracker: 1 to 63 characters, letters, digits, '-' and '_', starting with a
   * letter or digit, unique per account and region. Changing it replaces the tracker.
   *
   * @default - a name generated from the stack name and the construct path
   */
  readonly eventTrackerName?: string;

  /**
   * Tags for the event tracker. `Tags.of(scope).add()` reaches the tracker too.
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the tracker when it leaves the stack (removed, stack deleted, or replaced).
   * `RETAIN` keeps it, and its trackingId keeps working; the stack releases it (removes its ownership
   * tag), so that another stack may take it over. `SNAPSHOT` and `RETAIN_ON_UPDATE_OR_DELETE` are
   * not supported.
   *
   * @default - RemovalPolicy.RETAIN with `takeOverEventTrackerArn`, else RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The ARN of an existing event tracker for this construct to take over, keeping its trackingId,
   * instead of creating one: for a tracker made in the console, with the CLI or by another tool.
   *
   * The take-over happens when the construct's resource is created, and only if the tracker is
   * ACTIVE, is named `eventTrackerName` (which must then be given) and belongs to `datasetGroup`, and
   * no other stack manages it; otherwise the deployment fails and changes nothing. While this is set,
   * the tracker is kept when it leaves the stack (also when the take-over rolls back). Removing it
   * later changes nothing on the tracker; then `removalPolicy` applies as for any tracker.
   *
   * @default - a new tracker is created
   */
  readonly takeOverEventTrackerArn?: string;
}

/**
 * An Amazon Personalize event tracker, created through a custom resource.
 *
 * Its `trackingId` is what PutEvents calls send. Changing `eventTrackerName` or `datasetGroup`
 * replaces the tracker, and the new one has a new trackingId and ARN. With a new name in a new
 * dataset group, the new tracker is created first, and the old one is deleted (kept under `RETAIN`)
 * once the deployment has succeeded. When only one of them changes, the old tracker is in the way (a
 * dataset group holds one tracker; a name is unique per account and region), so it is deleted first
 * (under `RETAIN`, the update fails instead).
 *
 * @resource Custom::PersonalizeEventTracker
 */
export class EventTracker extends EventTrackerBase implements ITaggable {
  /**
   * Imports an existing event tracker by its ARN. Its `eventTrackerName`, `trackingId` and
   * `datasetGroupArn` are not known: use `fromEventTrackerAttributes()` to give them.
   */
  public static fromEventTrackerArn(scope: Construct, id: string, eventTrackerArn: string): IEventTracker {
    return EventTracker.fromEventTrackerAttributes(scope, id, { eventTrackerArn });
  }

  /**
   * Imports an existing event tracker.
   */
  public static fromEventTrackerAttributes(scope: Construct, id: string, attrs: EventTrackerAttributes): IEventTracker {
    validateEventTrackerArn(attrs.eventTrackerArn);
    class Import extends EventTrackerBase {
      public readonly eventTrackerArn = attrs.eventTrackerArn;

      public get eventTrackerName(): string {
        return attrs.eventTrackerName ?? missingAttribute(this, 'eventTrackerName');
      }

      public get trackingId(): string {
        return attrs.trackingId ?? missingAttribute(this, 'trackingId');
      }

      public get datasetGroupArn(): string {
        return attrs.datasetGroupArn ?? missingAttribute(this, 'datasetGroupArn');
      }
    }
    return new Import(scope, id, { environmentFromArn: attrs.eventTrackerArn });
  }

  public readonly eventTrackerArn: string;
  public readonly eventTrackerName: string;
  public readonly trackingId: string;
  public readonly datasetGroupArn: string;

  /**
   * The tags of the event tracker.
   */
  public readonly tags: TagManager;

  /** The policy the handler applies: CloudFormation's own policies stay Delete (see applyRemovalPolicy). */
  private removalPolicy: RemovalPolicy;
  /** The user chose the policy: an explicit DESTROY also applies to a tracker once taken over. */
  private removalPolicyChosen: boolean;
  private readonly takeOverEventTrackerArn?: string;

  constructor(scope: Construct, id: string, props: EventTrackerProps) {
    super(scope, id);
    this.takeOverEventTrackerArn = props.takeOverEventTrackerArn;
    this.removalPolicy = props.removalPolicy ?? (props.takeOverEventTrackerArn !== undefined ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    this.removalPolicyChosen = props.removalPolicy !== undefined;
    validateEventTrackerProps(this, props, this.removalPolicy);

    this.eventTrackerName = props.eventTrackerName ?? defaultEventTrackerName(this);
    this.datasetGroupArn = props.datasetGroup.datasetGroupRef.datasetGroupArn;
    this.tags = new TagManager(TagType.KEY_VALUE, EVENT_TRACKER_RESOURCE_TYPE, props.tags);

    const provider = EventTrackerProvider.getOrCreate(this);
    provider.allowDatasetGroup(this.datasetGroupArn);
    // A CfnResource of the custom type, as CustomResource would make, one construct fewer per tracker.
    const resource = new CfnResource(this, 'Resource', {
      type: EVENT_TRACKER_RESOURCE_TYPE,
      properties: {
        ServiceToken: provider.serviceToken,
        ServiceTimeout: String(SERVICE_TIMEOUT.toSeconds()),
        [ResourcePropertyKey.EVENT_TRACKER_NAME]: this.eventTrackerName,
        [ResourcePropertyKey.DATASET_GROUP_ARN]: this.datasetGroupArn,
        [ResourcePropertyKey.TAGS]: Lazy.any({ produce: () => this.tags.renderTags() }),
        [ResourcePropertyKey.TAKE_OVER_EVENT_TRACKER_ARN]: props.takeOverEventTrackerArn,
        // Read at synth time, so that applyRemovalPolicy() after construction counts too.
        [ResourcePropertyKey.REMOVAL_POLICY]: Lazy.any({ produce: () => this.renderRemovalPolicy(resource) }),
      },
    });
    // The handler keeps retained trackers itself: it must see their Delete to release them.
    resource.applyRemovalPolicy(RemovalPolicy.DESTROY);
    this.eventTrackerArn = Token.asString(resource.getAtt(AttributeKey.EVENT_TRACKER_ARN));
    this.trackingId = Token.asString(resource.getAtt(AttributeKey.TRACKING_ID));

    claimDatasetGroup(this, props.datasetGroup, this.datasetGroupArn);
    this.node.addValidation({ validate: () => validateTags(this.tags) });
  }

  /**
   * Applies a removal policy to the tracker. `RETAIN` also keeps the old tracker when the tracker
   * is replaced. The handler applies it: the custom resource's own DeletionPolicy and
   * UpdateReplacePolicy stay `Delete`, so that the handler sees the Delete and releases the tracker.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    validateRemovalPolicy(policy, this.takeOverEventTrackerArn);
    this.removalPolicy = policy;
    this.removalPolicyChosen = true;
  }

  private renderRemovalPolicy(resource: CfnResource): string | undefined {
    if (this.isRetained(resource)) {
      return RETAIN;
    }
    return this.removalPolicyChosen ? DESTROY : undefined;
  }

  /** RETAIN, or a policy someone set on the CfnResource directly (then CloudFormation keeps it too). */
  private isRetained(resource: CfnResource): boolean {
    return this.removalPolicy !== RemovalPolicy.DESTROY
      || resource.cfnOptions.deletionPolicy === CfnDeletionPolicy.RETAIN
      || resource.cfnOptions.updateReplacePolicy === CfnDeletionPolicy.RETAIN;
  }
}

function validateEventTrackerArn(eventTrackerArn: string): void {
  if (Token.isUnresolved(eventTrackerArn)) {
    return;
  }
  const arn = Arn.split(eventTrackerArn, ArnFormat.SLASH_RESOURCE_NAME);
  if (arn.service !== 'personalize' || arn.resource !== 'event-tracker' || !arn.resourceName) {
    throw new Error(`'${eventTrackerArn}' is not an event tracker ARN: expected arn:<partition>:personalize:<region>:<account>:event-tracker/<id>. Copy the ARN from DescribeEventTracker or the Personalize console.`);
  }
}

function missingAttribute(tracker: IEventTracker, attribute: 'eventTrackerName' | 'trackingId' | 'datasetGroupArn'): never {
  throw new Error(`The event tracker ${tracker.node.path} was imported without its ${attribute}, which its ARN does not contain. `
    + `Import it with EventTracker.fromEventTrackerAttributes(this, '${tracker.node.id}', { eventTrackerArn, ${attribute} }) instead.`);
}
