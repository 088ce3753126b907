import * as path from 'path';
import { ArnFormat, Aws, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { addNagSuppressions } from './nag-suppressions';

/**
 * Poll interval of the Provider's isComplete. Trackers usually turn ACTIVE within a minute, and
 * isComplete looks again by itself at a tracker it has just created, so this only bounds the delay
 * for slower ones.
 */
export const QUERY_INTERVAL = Duration.seconds(5);
export const TOTAL_TIMEOUT = Duration.minutes(20);
/**
 * The handler role lists the stack's dataset groups up to this many (about 4 KB of policy); beyond,
 * one `dataset-group/*` ARN keeps the policy under IAM's 10,240-character limit for a role.
 */
export const MAX_LISTED_DATASET_GROUPS = 40;
/** onEvent only checks the properties. */
export const ON_EVENT_TIMEOUT = Duration.minutes(1);
/**
 * isComplete does the work, and keeps looking at a tracker it has just created or deleted while
 * its time allows: most settle within a minute, and one invocation then carries them through.
 */
export const IS_COMPLETE_TIMEOUT = Duration.minutes(3);
/** CloudFormation gives up after this instead of its default hour, even if a handler crashed. */
export const SERVICE_TIMEOUT = Duration.minutes(35);

const HANDLER_ASSET = path.join(__dirname, '..', '..', 'assets', 'event-tracker');

/**
 * The custom resource provider, one per stack, shared by all its trackers: two handler functions and
 * the Provider framework, so the Lambda count does not grow with the number of trackers.
 */
export class EventTrackerProvider extends Construct {
  public static getOrCreate(scope: IConstruct): EventTrackerProvider {
    const stack = Stack.of(scope);
    const id = 'PersonalizeEventTrackerProvider';
    return (stack.node.tryFindChild(id) as EventTrackerProvider | undefined) ?? new EventTrackerProvider(stack, id);
  }

  public readonly serviceToken: string;
  private readonly datasetGroupStatement: iam.PolicyStatement;
  private readonly allDatasetGroups: string;
  private readonly datasetGroupArns = new Set<string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Creates, tags and deletes the Personalize event trackers of this stack',
    });
    logGroup.grantWrite(role);
    const eventTrackers = stack.formatArn({
      service: 'personalize',
      resource: 'event-tracker',
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        'personalize:CreateEventTracker',
        'personalize:DescribeEventTracker',
        'personalize:DeleteEventTracker',
        'personalize:TagResource',
        'personalize:UntagResource',
        // Reads the ownership tag before adopting, changing or deleting a tracker.
        'personalize:ListTagsForResource',
      ],
      resources: [eventTrackers],
    }));
    this.datasetGroupStatement = new iam.PolicyStatement({ actions: ['personalize:CreateEventTracker'] });
    this.allDatasetGroups = stack.formatArn({
      service: 'personalize',
      resource: 'dataset-group',
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(this.datasetGroupStatement);
    // ListEventTrackers supports no resource-level permission.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['personalize:ListEventTrackers'], resources: ['*'] }));
    // The stack's own status and its resources': a rollback is not a deployment, and a late request changes nothing.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackResource'],
      resources: [Aws.STACK_ID],
    }));

    const code = lambda.Code.fromAsset(HANDLER_ASSET);
    const handlerFunction = (functionId: string, handler: string, timeout: Duration, description: string) => new lambda.Function(this, functionId, {
      code,
      // Fixed, not lambda.determineLatestNodeRuntime(): aws-cdk-lib's region facts name nodejs24.x
      // for every region of every partition (2.276.0), while older versions, such as the 2.224.0
      // minimum, still name nodejs22.x. The bundle targets Node.js 22 syntax.
      runtime: lambda.Runtime.NODEJS_24_X,
      handler,
      timeout,
      description,
      memorySize: 256,
      role,
      logGroup,
    });
    const onEventHandler = handlerFunction('OnEventHandler', 'index.onEvent', ON_EVENT_TIMEOUT,
      'Personalize event tracker custom resource: checks the request');
    const isCompleteHandler = handlerFunction('IsCompleteHandler', 'index.isComplete', IS_COMPLETE_TIMEOUT,
      'Personalize event tracker custom resource: creates, changes and deletes the tracker, and waits for it');

    // Roles for the framework's functions (one for onEvent, one shared by isComplete and onTimeout,
    // instead of one each), logging to the provider's log group without a managed policy.
    const frameworkOnEventRole = this.frameworkRole('FrameworkOnEventRole', logGroup);
    const frameworkCompleteAndTimeoutRole = this.frameworkRole('FrameworkCompleteAndTimeoutRole', logGroup);
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler,
      isCompleteHandler,
      frameworkOnEventRole,
      frameworkCompleteAndTimeoutRole,
      queryInterval: QUERY_INTERVAL,
      totalTimeout: TOTAL_TIMEOUT,
      logGroup,
    });
    this.serviceToken = provider.serviceToken;
    this.suppressNagFindings(role, [onEventHandler, isCompleteHandler], provider);
  }

  /**
   * Lets the handler create a tracker in this dataset group. Past MAX_LISTED_DATASET_GROUPS, the
   * statement names all dataset groups of the account and region instead, so the role's policy stays
   * within IAM's size limits however many trackers the stack has.
   */
  public allowDatasetGroup(datasetGroupArn: string): void {
    if (this.datasetGroupArns.has(datasetGroupArn)) {
      return;
    }
    this.datasetGroupArns.add(datasetGroupArn);
    if (this.datasetGroupArns.size <= MAX_LISTED_DATASET_GROUPS) {
      this.datasetGroupStatement.addResources(datasetGroupArn);
    } else if (this.datasetGroupArns.size === MAX_LISTED_DATASET_GROUPS + 1) {
      this.datasetGroupStatement.addResources(this.allDatasetGroups);
    }
  }

  private frameworkRole(id: string, logGroup: logs.ILogGroup): iam.Role {
    const role = new iam.Role(this, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'The custom resource Provider framework of the Personalize event trackers',
    });
    logGroup.grantWrite(role);
    return role;
  }

  private suppressNagFindings(handlerRole: iam.Role, handlers: lambda.Function[], provider: cr.Provider): void {
    addNagSuppressions(handlerRole, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Event tracker ARNs are assigned by Personalize at creation, so the handler gets the event-tracker/* ARNs of this account and region; '
        + 'ListEventTrackers supports no resource-level permission; a stack with more than 40 dataset groups names them all with dataset-group/* to stay within IAM policy size limits.',
      appliesTo: [
        'Resource::arn:<AWS::Partition>:personalize:<AWS::Region>:<AWS::AccountId>:event-tracker/*',
        'Resource::arn:<AWS::Partition>:personalize:<AWS::Region>:<AWS::AccountId>:dataset-group/*',
        'Resource::*',
      ],
    }], 'AWS::IAM::Policy');
    // The framework's roles may invoke each function of the provider by any version or alias: one
    // finding per function, named by its logical ID (cdk-nag 3 needs each finding by name).
    const functionArnsWithVersions = this.node.findAll()
      .filter((child): child is CfnResource => CfnResource.isCfnResource(child) && child.cfnResourceType === 'AWS::Lambda::Function')
      .map((fn) => `Resource::<${Stack.of(this).getLogicalId(fn)}.Arn>:*`);
    const invokeVersions = {
      id: 'AwsSolutions-IAM5',
      reason: 'The aws-cdk-lib Provider framework invokes the handler functions by ARN and by any version or alias (function-arn:*).',
      appliesTo: functionArnsWithVersions,
    };
    addNagSuppressions(this, [invokeVersions], 'AWS::IAM::Policy', (policy) => !policy.node.path.startsWith(handlerRole.node.path));
    for (const handler of handlers) {
      addNagSuppressions(handler, [{
        id: 'AwsSolutions-L1',
        reason: 'The handler bundle is built and tested for the Node.js runtime it names; library releases move it to newer runtimes.',
      }], 'AWS::Lambda::Function');
    }
    addNagSuppressions(provider, [{
      id: 'AwsSolutions-L1',
      reason: 'The aws-cdk-lib Provider framework picks its functions\' runtime (the latest Node.js runtime of the region).',
    }], 'AWS::Lambda::Function');
    addNagSuppressions(provider, [
      {
        id: 'AwsSolutions-SF1',
        reason: 'The Provider framework\'s waiter state machine only polls isComplete; every step is logged by the functions it calls.',
      },
      {
        id: 'AwsSolutions-SF2',
        reason: 'The Provider framework\'s waiter state machine only polls isComplete; X-Ray adds nothing to a single Lambda task.',
      },
    ], 'AWS::StepFunctions::StateMachine');
  }
}
