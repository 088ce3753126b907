import { SynthesizedStack } from './cloud-assembly';

/** A logical id without CDK's 8-character hash suffix, for reading. */
export function shortId(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}

/** The construct path of a resource below its stack (from the aws:cdk:path metadata), else its short logical id. */
export function constructPath(stack: SynthesizedStack, logicalId: string): string {
  const cdkPath = stack.resource(logicalId).Metadata?.['aws:cdk:path'];
  return typeof cdkPath === 'string' ? cdkPath.replace(`${stack.name}/`, '').replace(/\/Resource(\/Default)?$/, '') : shortId(logicalId);
}

/** Where a value of the template contains Fn::ImportValue: [path, export name]. */
export function findImports(value: unknown, at: string[] = []): Array<[string, string]> {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => findImports(v, [...at, String(i)]));
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  const record = value as Record<string, unknown>;
  if (typeof record['Fn::ImportValue'] === 'string') {
    return [[at.join('.'), record['Fn::ImportValue']]];
  }
  return Object.entries(record).flatMap(([k, v]) => findImports(v, [...at, k]));
}

/** A query as text, with the intrinsic functions it joins (such as Fn::ImportValue) written as JSON. */
function queryText(expression: unknown): string {
  const join = (expression as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  return join ? join[1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(join[0]) : String(expression);
}

/** One line per kind of thing the stack's template holds that matters to this example. */
export function summarizeTemplate(stack: SynthesizedStack): string[] {
  const resources = Object.entries(stack.template.Resources);
  const lines: string[] = [];
  const add = (label: string, text: string) => lines.push(`${label.padEnd(16)}${text}`);

  for (const [id, tracker] of stack.resourcesOfType('Custom::PersonalizeEventTracker')) {
    const group = JSON.stringify(tracker.Properties?.DatasetGroupArn);
    add('event tracker', `${constructPath(stack, id)} (Custom::PersonalizeEventTracker) "${tracker.Properties?.EventTrackerName}", DatasetGroupArn ${group}`);
  }
  const serviceTokens = new Set(resources
    .filter(([, r]) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource')
    .map(([, r]) => JSON.stringify(r.Properties?.ServiceToken)));
  if (serviceTokens.size > 0) {
    const machines = stack.resourcesOfType('AWS::StepFunctions::StateMachine').length;
    add('providers', `${serviceTokens.size} custom resource provider (Provider framework, ${machines} waiter state machine), shared by the stack's custom resources`);
  }
  for (const [id, fn] of stack.resourcesOfType('AWS::Lambda::Function')) {
    add('Lambda', `${constructPath(stack, id)}: ${fn.Properties?.Runtime}, handler ${fn.Properties?.Handler}, timeout ${fn.Properties?.Timeout ?? 3} s`);
  }
  const personalize = resources.filter(([, r]) => r.Type.startsWith('AWS::Personalize::'));
  if (personalize.length > 0) {
    add('Personalize', personalize.map(([id, r]) => `${r.Type.replace('AWS::Personalize::', '')} ${shortId(id)}`).join(', '));
  }
  for (const [id, statement] of resources.filter(([, r]) => r.Type === 'AWS::IAM::Policy')
    .flatMap(([policyId, r]) => (r.Properties?.PolicyDocument?.Statement ?? []).map((s: any) => [policyId, s] as const))) {
    const actions = [statement.Action].flat();
    if (actions.includes('personalize:PutEvents')) {
      add('grant', `personalize:PutEvents on ${JSON.stringify(statement.Resource)} in ${constructPath(stack, id)}`);
    }
  }
  for (const [id, alarm] of stack.resourcesOfType('AWS::CloudWatch::Alarm')) {
    const p = alarm.Properties ?? {};
    // A metric alarm names its metric; an alarm on a Metrics Insights query holds the query.
    const watched = p.Metrics?.find((query: any) => query.ReturnData !== false) ?? {};
    const what = p.MetricName !== undefined
      ? `${p.Namespace} ${p.MetricName} ${p.Statistic}`
      : queryText(watched.Expression);
    add('alarm', `${constructPath(stack, id)}: ${what} ${p.ComparisonOperator} ${p.Threshold} per ${p.Period ?? watched.Period} s`);
  }
  for (const [id, output] of Object.entries(stack.template.Outputs ?? {})) {
    if (output.Export) {
      add('export', `${JSON.stringify(output.Export.Name)} = ${JSON.stringify(output.Value)} (Output ${id})`);
    }
  }
  for (const [id, resource] of resources) {
    for (const [where, name] of findImports(resource.Properties)) {
      add('import', `${constructPath(stack, id)} ${where} <- Fn::ImportValue "${name}"`);
    }
  }
  return lines;
}
