/**
 * A local CloudFormation driver for custom-resource handlers, over aws-cdk-lib's own Provider
 * framework code. Why it is built this way:
 *
 * - The framework is the code that runs in AWS, not a copy of it: framework.js (with cfn-response.js
 *   and outbound.js) of the installed aws-cdk-lib, or of DRIVER_AWS_CDK_LIB, as the Provider bundles
 *   it (a test checks the synthesized asset is that folder). Its three exports are the handlers of
 *   the framework's three Lambda functions.
 * - Its calls go out through its own SDK clients to one local endpoint on 127.0.0.1 (local-endpoint.ts):
 *   Lambda Invoke and GetFunction (local-lambda.ts), Step Functions StartExecution with the execution
 *   name rules of STANDARD workflows (local-step-functions.ts), CloudFormation DescribeStacks with the
 *   stack's status at the moment of the call (local-cloudformation.ts). Only the response PUT is
 *   re-routed, by replacing outbound.httpRequest: its https.request drops the URL's port, so a TLS
 *   endpoint would need port 443 (see aws-cdk-lib-framework.ts).
 * - Every function reads process.env, which is one per process: each invocation gets its function's
 *   environment through AsyncLocalStorage (invocation-environment.ts).
 * - The provider comes from the synthesized template (provider-template.ts, local-provider.ts): the
 *   functions, their Handler, Environment and Timeout, the waiter state machine's definition (run by
 *   aws-local-stepfunctions, which honours Retry and Catch), the custom resource's ServiceTimeout.
 * - Time: timeScale multiplies every duration the template declares, through the framework's and the
 *   interpreter's own settings (the Retry interval, the Lambda timeouts, ServiceTimeout); deadlines get
 *   a fixed allowance for what does not shrink (DEADLINE_ALLOWANCE_MS).
 * - CloudFormation's side stays ours (cloudformation-stack.ts): create, update, cleanup, rollback,
 *   delete, each request an asynchronous invocation of the ServiceToken, the first PUT at its
 *   ResponseURL within ServiceTimeout taken, duplicate and late deliveries.
 *
 *   const stack = new CloudFormationStack({ template, userCode: () => handlerFile, timeScale: 0.01 });
 *   await stack.create({ Name: 'a' });                      // -> { status: 'CREATE_COMPLETE', requests, responses }
 *   await stack.update({ Name: 'b' }, { failStackAfter: true });          // rollback Update, then cleanup Delete
 *   await stack.create({ Name: 'c' }, { duplicateDeliveryAfterMs: 5 });   // delivered twice, overlapping
 *   await stack.redeliver(stack.requests[0]);                             // a late redelivery
 *   await stack.delete();
 *   stack.timeline / stack.stackEvents / stack.logs / stack.responseUrlLeaks()
 *   await stack.send(stack.buildRequest('Create', { properties: {}, requestId: 'same' })); // one raw delivery
 */
export { awsCdkLibDir, frameworkNamesWaiterExecutions, frameworkRuntimeDir, loadFramework, warmUpFramework } from './aws-cdk-lib-framework';
export * from './cloudformation-request';
export * from './cloudformation-stack';
export * from './event-tracker-template';
export * from './faults';
export * from './lambda-context';
export * from './local-cloudformation';
export * from './local-provider';
export * from './log-capture';
export * from './provider-template';
export * from './timeline';
