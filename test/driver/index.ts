/**
 * A local CloudFormation + CDK Provider-framework (onEvent + isComplete) driver for custom-resource handlers.
 *
 *   const stack = new CloudFormationStack({ handlerPath, queryInterval: 10, totalTimeout: 100 });
 *   await stack.create({ Name: 'a' });                      // -> { status: 'CREATE_COMPLETE', requests, responses }
 *   await stack.update({ Name: 'b' }, { failStackAfter: true });          // rollback Update, then cleanup Delete
 *   await stack.create({ Name: 'c' }, { duplicateDeliveryAfterMs: 5 });   // delivered twice, overlapping
 *   await stack.delete();
 *   stack.timeline / stack.stackEvents / stack.logs / stack.responseUrlLeaks()
 *   await stack.send(stack.buildRequest('Create', { properties: {}, requestId: 'same' })); // one raw request
 */
export * from './cloudformation-request';
export * from './cloudformation-stack';
export * from './lambda-context';
export * from './log-capture';
export * from './provider-framework';
export * from './timeline';
