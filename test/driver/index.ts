/**
 * A local CloudFormation driver for custom-resource handlers, over aws-cdk-lib's own Provider
 * framework code (see local-provider.ts and aws-cdk-lib-framework.ts):
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
