#!/usr/bin/env node
// The CDK app (see cdk.json): `cdk synth` / `cdk deploy --all` in this folder.
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addExampleStacks } from './example-app';

const app = new App();
addExampleStacks(app);
// cdk-nag: synth fails on any unsuppressed AwsSolutions finding.
Aspects.of(app).add(new AwsSolutionsChecks());
