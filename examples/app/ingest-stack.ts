import * as path from 'path';
import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { TRACKING_ID_VARIABLE } from './functions/interaction';
import { IEventTracker } from '../../src';

export interface IngestStackProps extends StackProps {
  /** The tracker that receives the interactions (from PersonalizeStack). */
  readonly tracker: IEventTracker;
}

/**
 * The application side: a function that records interactions with PutEvents, and an alarm on
 * PutEvents server errors.
 */
export class IngestStack extends Stack {
  public readonly recordInteraction: lambda.IFunction;
  public readonly putEvents5xxAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: IngestStackProps) {
    super(scope, id, props);

    // An explicit role and log group instead of the AWS managed AWSLambdaBasicExecutionRole.
    const logGroup = new logs.LogGroup(this, 'RecordInteractionLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'RecordInteractionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Records user interactions with Amazon Personalize PutEvents',
    });
    logGroup.grantWrite(role);

    const fn = new nodejs.NodejsFunction(this, 'RecordInteraction', {
      description: 'Records one user interaction with the Personalize event tracker (PutEvents)',
      entry: path.join(__dirname, 'functions', 'record-interaction.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      // A cross-stack reference: CDK exports the trackingId from PersonalizeStack and imports it here.
      environment: { [TRACKING_ID_VARIABLE]: props.tracker.trackingId },
      bundling: {
        // The Lambda Node.js runtime ships AWS SDK v3: only our code goes into the bundle (under 2 KB).
        externalModules: ['@aws-sdk/*'],
        format: nodejs.OutputFormat.CJS,
        minify: true,
      },
    });
    props.tracker.grantPutEvents(fn);
    // The grant lands in the role's default policy: the wildcard is there, and only there.
    NagSuppressions.addResourceSuppressions(role.node.findChild('DefaultPolicy'), [{
      id: 'AwsSolutions-IAM5',
      reason: 'personalize:PutEvents names no tracker ARN: it identifies the tracker by the trackingId in the request, '
        + 'and the Personalize API reference requires Resource "*" for it (EventTracker.grantPutEvents).',
      appliesTo: ['Resource::*'],
    }]);
    this.recordInteraction = fn;

    // 5xx means Personalize failed to record events: page someone (add an alarm action in real use).
    // The metric is a Metrics Insights query selecting this tracker's PutEvents5xxErrors by its ARN.
    this.putEvents5xxAlarm = new cloudwatch.Alarm(this, 'PutEvents5xxErrors', {
      alarmDescription: 'Amazon Personalize failed PutEvents calls with a server error: interactions were not recorded.',
      metric: props.tracker.metricPutEvents5xxErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
