import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newOutdir } from './helpers/outdir';
import { cdkJsonContext } from '../examples/app/cdk-json-context';
import { addExampleStacks } from '../examples/app/example-app';
import { INTERACTIONS_SCHEMA } from '../examples/app/interactions-schema';

const EXAMPLE_APP = path.join(__dirname, '..', 'examples', 'app');

/** The example app as `cdk synth` builds it (cdk.json's context); Lambda bundling skipped unless asked for. */
function synthesizeExample(options: { bundle?: boolean } = {}) {
  const context = { ...cdkJsonContext(), ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) };
  const app = new App({ context, outdir: newOutdir() });
  const stacks = addExampleStacks(app);
  return {
    app,
    ...stacks,
    personalizeTemplate: Template.fromStack(stacks.personalize),
    ingestTemplate: Template.fromStack(stacks.ingest),
  };
}

const example = synthesizeExample();

function onlyResourceId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('cross-stack wiring', () => {
  test('the ingest function gets the trackingId through an ImportValue of the Personalize stack\'s export', () => {
    const trackerId = onlyResourceId(example.personalizeTemplate, 'Custom::PersonalizeEventTracker');
    const outputs = example.personalizeTemplate.findOutputs('*', { Value: { 'Fn::GetAtt': [trackerId, 'TrackingId'] } });
    const exportNames = Object.values(outputs).map((o: any) => o.Export?.Name);
    expect(exportNames).toHaveLength(1);
    expect(exportNames[0]).toEqual(expect.stringContaining(example.personalize.stackName));

    example.ingestTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { TRACKING_ID: { 'Fn::ImportValue': exportNames[0] } } },
    });
    expect(example.ingest.dependencies).toEqual([example.personalize]);
  });

  test('the ingest function\'s role may call PutEvents (the tracker\'s grant), and only that besides its logs', () => {
    const functionId = onlyResourceId(example.ingestTemplate, 'AWS::Lambda::Function');
    const fn: any = example.ingestTemplate.toJSON().Resources[functionId];
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    example.ingestTemplate.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecordInteractionLogs'), 'Arn'] } },
          { Action: 'personalize:PutEvents', Effect: 'Allow', Resource: '*' },
        ],
      },
    });
    example.ingestTemplate.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('an alarm watches the tracker\'s PutEvents5xxErrors under the documented dimensions, found through the exported tracker ARN', () => {
    const trackerId = onlyResourceId(example.personalizeTemplate, 'Custom::PersonalizeEventTracker');
    const arnOutputs = example.personalizeTemplate.findOutputs('*', { Value: { 'Fn::GetAtt': [trackerId, 'EventTrackerArn'] } });
    const arnExport = (Object.values(arnOutputs)[0] as any).Export.Name;
    example.ingestTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [{
        Id: 'expr_1',
        Label: 'PutEvents5xxErrors',
        Period: 300,
        ReturnData: true,
        Expression: {
          'Fn::Join': ['', [
            'SELECT SUM("PutEvents5xxErrors") FROM SCHEMA("AWS/Personalize", DatasetGroupArn, DatasetArn, EventTrackerArn) WHERE EventTrackerArn = \'',
            { 'Fn::ImportValue': arnExport },
            '\'',
          ]],
        },
      }],
      MetricName: Match.absent(),
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('PersonalizeStack', () => {
  test('an interactions schema and dataset in the dataset group that holds the tracker', () => {
    const template = example.personalizeTemplate;
    const schemaId = onlyResourceId(template, 'AWS::Personalize::Schema');
    const groupId = onlyResourceId(template, 'AWS::Personalize::DatasetGroup');
    const datasetId = onlyResourceId(template, 'AWS::Personalize::Dataset');
    const schema = JSON.parse((template.toJSON().Resources[schemaId] as any).Properties.Schema);
    expect(schema).toEqual(INTERACTIONS_SCHEMA);
    expect(schema.fields.map((f: { name: string }) => f.name)).toEqual(['USER_ID', 'ITEM_ID', 'TIMESTAMP', 'EVENT_TYPE']);

    template.hasResourceProperties('AWS::Personalize::Dataset', {
      DatasetType: 'Interactions',
      DatasetGroupArn: { 'Fn::GetAtt': [groupId, 'DatasetGroupArn'] },
      SchemaArn: { 'Fn::GetAtt': [schemaId, 'SchemaArn'] },
    });
    template.hasResource('Custom::PersonalizeEventTracker', {
      Properties: { DatasetGroupArn: { Ref: groupId }, Tags: Match.arrayWith([{ Key: 'team', Value: 'recommendations' }]) },
      DependsOn: [datasetId],
    });
  });
});

describe('the app', () => {
  test('is environment-agnostic: no account or region is written into it', () => {
    for (const stack of [example.personalize, example.ingest]) {
      expect(Token.isUnresolved(stack.account)).toBe(true);
      expect(Token.isUnresolved(stack.region)).toBe(true);
    }
    const text = JSON.stringify([example.personalizeTemplate.toJSON(), example.ingestTemplate.toJSON()]);
    expect(text).not.toMatch(/[:"]\d{12}[:"]/);
    expect(text).not.toMatch(/"(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d"/);
  });

  test('cdk.json runs main.ts with ts-node and writes cdk.out, which git ignores', () => {
    const cdkJson = JSON.parse(fs.readFileSync(path.join(EXAMPLE_APP, 'cdk.json'), 'utf8'));
    expect(cdkJson.app).toMatch(/ts-node .*main\.ts$/);
    expect(cdkJson.output).toBe('cdk.out');
    expect(cdkJson.context['@aws-cdk/core:enableAdditionalMetadataCollection']).toBeDefined();
    // Throws (exit code 1) when the path is not ignored. A file inside: on a fresh clone cdk.out does
    // not exist yet, and git matches the directory pattern 'cdk.out/' only through a path below it.
    const synthesized = path.join(EXAMPLE_APP, 'cdk.out', 'manifest.json');
    expect(execFileSync('git', ['check-ignore', synthesized], { encoding: 'utf8' }).trim()).toMatch(/cdk\.out\/manifest\.json$/);
  });

  test('the function runs on a current Node.js runtime, and its bundle holds the handler but not the AWS SDK', () => {
    const bundled = synthesizeExample({ bundle: true });
    bundled.ingestTemplate.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Handler: 'index.handler' });
    const assembly = bundled.app.synth();
    const fn: any = Object.values(bundled.ingestTemplate.findResources('AWS::Lambda::Function'))[0];
    const assetHash = fn.Properties.Code.S3Key.replace(/\.zip$/, '');
    const code = fs.readFileSync(path.join(assembly.directory, `asset.${assetHash}`, 'index.js'), 'utf8');
    expect(code).toContain('require("@aws-sdk/client-personalize-events")');
    expect(code).toContain('TRACKING_ID');
    expect(code).not.toContain('@smithy');
    expect(code.length).toBeLessThan(10_000);
  });
});
