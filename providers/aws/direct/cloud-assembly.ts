/**
 * Renders (and writes) the cloud assembly of a set of AWS deployments directly, without aws-cdk-lib: byte-identical to what the
 * CDK app (providers/aws/app.ts) writes for them, for the deployments `directSupport` accepts. Each file comes
 * from its own module: templates (template.ts), tree.json (tree-file.ts), stack metadata (metadata-file.ts), asset
 * manifests, manifest.json and cdk.out (assembly-files.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentIR } from '../../../lib/ir';
import { stackConstructId } from '../../../lib/normalize/collisions';
import { DEFAULT_INFERSTACK_VERSION, stackDescription, stackTags } from '../deployment-properties';
import { FEATURE_FLAGS } from '../feature-flags';
import { planJob } from '../job-plan';
import { assemblyManifest, assetManifest, cdkOutFile, metadataFileOf, stackArtifacts, StackFacts, templateFileOf } from './assembly-files';
import { CONSTRUCT_TYPES, ConstructNode } from './construct-node';
import { addDeploymentStack } from './deployment-tree';
import { featureFlagReport } from './feature-flag-report';
import { installedVersions } from './installed-versions';
import { Intrinsics } from './intrinsics';
import { metadataFile } from './metadata-file';
import { stackTemplate, Tag } from './template';
import { MAX_TREE_NODES, stackTreeJson, treeFile } from './tree-file';

/** aws-cdk-lib annotates (and so changes the metadata of) a stack whose template passes 80% of 1,000,000 characters. */
const TEMPLATE_SIZE_NOTICE = 0.8 * 1_000_000;

export type DirectSupport = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Whether the direct writer produces exactly what the CDK app would: not with an ahead-of-time job (a custom
 * resource with Lambda assets), nor when the environment configures the CDK app (CDK_* variables: context, debug
 * traces, output folder, CLI version).
 */
/** The construct id aws-cdk-lib gives its tree metadata (core/lib/private/tree-metadata.js). */
const TREE_ID = 'Tree';

export function directSupport(deployments: readonly DeploymentIR[], env: NodeJS.ProcessEnv = process.env): DirectSupport {
  const cdkVariable = Object.keys(env).find((k) => k.startsWith('CDK_') || k === 'CONTEXT_OVERFLOW_LOCATION_ENV');
  if (cdkVariable) return { ok: false, reason: `${cdkVariable} is set (it configures the CDK app)` };
  const withJob = deployments.find((d) => planJob(d));
  if (withJob) return { ok: false, reason: `deployment "${withJob.name}" needs an ahead-of-time job (a custom resource with Lambda assets)` };
  const imageless = deployments.find((d) => !d.engine.image);
  if (imageless) return { ok: false, reason: `deployment "${imageless.name}" has no serving image` };
  // aws-cdk-lib writes no tree.json (and no "Tree" artifact) when the app has a child of that id
  // (core/lib/private/synthesis.js, injectTreeMetadata, v2.276.0): a deployment named "tree" is left to it.
  const treeNamed = deployments.find((d) => d.target === 'aws' && stackConstructId(d.name) === TREE_ID);
  if (treeNamed) return { ok: false, reason: `deployment "${treeNamed.name}" has the stack id "${TREE_ID}", which the CDK app's construct tree file reserves` };
  return { ok: true };
}

/** The tags InferenceStack adds to its stack, as aws-cdk-lib's TagManager renders them (later wins; sorted by key). */
function tagsOf(ir: DeploymentIR): Tag[] {
  const tags = new Map(stackTags(ir, DEFAULT_INFERSTACK_VERSION));
  return [...tags].map(([key, value]) => ({ key, value })).sort((a, b) => a.key.localeCompare(b.key));
}

function factsOf(ir: DeploymentIR): StackFacts {
  const aws = ir.aws!;
  return { artifactId: stackConstructId(ir.name), stackName: aws.stackName, region: aws.region, ...(aws.account ? { account: aws.account } : {}) };
}

export interface RenderedStack {
  readonly deployment: DeploymentIR;
  /** The template's file name in the assembly. */
  readonly templateFile: string;
  readonly resources: number;
}

export interface RenderedAssembly {
  /** File contents by name (the assembly has no subfolders). */
  readonly files: ReadonlyMap<string, string>;
  readonly stacks: readonly RenderedStack[];
}

/**
 * The cloud assembly in memory, or `undefined` when the result would not match the CDK app's. Stack by stack: each
 * stack's construct tree is built under a root of its own and rendered into its files and its part of tree.json,
 * then dropped, so the trees of all stacks never sit in memory together (less garbage collection).
 */
export function renderCloudAssembly(deployments: readonly DeploymentIR[]): RenderedAssembly | undefined {
  const x = new Intrinsics();
  const versions = installedVersions();
  const files = new Map<string, string>();
  const artifacts: Record<string, unknown> = {};
  const rendered: RenderedStack[] = [];
  const stackTrees: Array<[string, string]> = [];
  let treeNodes = 2; // the app and its "Tree" child
  for (const ir of deployments) {
    if (ir.target !== 'aws') continue;
    const node = addDeploymentStack(new ConstructNode('', CONSTRUCT_TYPES.app), ir, x);
    const nodes = node.descendants();
    treeNodes += nodes.length;
    if (treeNodes >= MAX_TREE_NODES) return undefined;
    const tags = tagsOf(ir);
    const facts = factsOf(ir);
    const templateText = JSON.stringify(stackTemplate(node, stackDescription(ir), tags, x), undefined, 1);
    if (templateText.length > TEMPLATE_SIZE_NOTICE) return undefined;
    const assets = assetManifest(facts, templateText, versions);
    files.set(templateFileOf(facts), templateText).set(assets.file, assets.text).set(metadataFileOf(facts), metadataFile(node, templateFileOf(facts)));
    Object.assign(artifacts, stackArtifacts(facts, assets.objectUrl));
    rendered.push({ deployment: ir, templateFile: templateFileOf(facts), resources: nodes.filter((n) => n.resource).length });
    stackTrees.push([node.id, stackTreeJson({ stack: node, tags, intrinsics: x, versions })]);
  }
  files.set('tree.json', treeFile(stackTrees, versions));
  artifacts.Tree = { type: 'cdk:tree', properties: { file: 'tree.json' } };
  artifacts['aws-cdk-lib/feature-flag-report'] = featureFlagReport(FEATURE_FLAGS);
  files.set('manifest.json', assemblyManifest(artifacts, versions)).set('cdk.out', cdkOutFile(versions));
  return { files, stacks: rendered };
}

/** Writes the rendered cloud assembly into `outDir`; `undefined` (nothing written) as for renderCloudAssembly. */
export function writeCloudAssembly(deployments: readonly DeploymentIR[], outDir: string): RenderedAssembly | undefined {
  const assembly = renderCloudAssembly(deployments);
  if (!assembly) return undefined;
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, text] of assembly.files) fs.writeFileSync(path.join(outDir, name), text);
  return assembly;
}
