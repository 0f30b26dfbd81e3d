import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import awsImages from '../../lib/catalog/data/aws-images.json';
import { awsImageRegions, resolveAlibabaImage, resolveAwsImage } from '../../lib/catalog/images';
import { buildCatalog, SELECTIONS } from '../../scripts/gen-aws-images';
import { ROOT } from '../helpers/paths';

describe('image catalogs', () => {
  it('the committed catalog is what the generator makes of the SageMaker Python SDK\'s own config files', () => {
    const dir = path.join(ROOT, 'tests', 'fixtures', 'image-uri-config');
    const catalog = buildCatalog(dir, awsImages as never, '2026-11-25');
    const files = new Set(fs.readdirSync(dir));
    const fromSdk = Object.entries(SELECTIONS).filter(([, sel]) => files.has(sel.file)).map(([key]) => key);
    expect(fromSdk).toEqual(expect.arrayContaining(['lmi', 'lmi-neuron', 'tgi', 'tei-gpu', 'tei-cpu', 'triton-gpu', 'triton-cpu', 'sklearn', 'sklearn@1.0-1', 'neo-pytorch-cpu', 'neo-pytorch-gpu@2.0']));
    for (const key of fromSdk) {
      const generated = catalog.images[key] as { repository: string; tag: string; registry: string };
      const committed = (awsImages.images as Record<string, { repository: string; tag: string; registry: string }>)[key]!;
      expect(generated, key).toMatchObject({ repository: committed.repository, tag: committed.tag });
      expect(catalog.registries[generated.registry], key).toEqual((awsImages.registries as Record<string, unknown>)[committed.registry]);
    }
  });
  it('region lists are the SDK\'s: Neo 31 regions, Neuron LMI 31', () => {
    expect(awsImageRegions('neo-pytorch-cpu')).toHaveLength(31);
    expect(awsImageRegions('lmi-neuron')).toHaveLength(31);
    expect(awsImageRegions('lmi-neuron')).toContain('eu-north-1');
  });
  it('resolves region accounts and the China domain', () => {
    expect(resolveAwsImage('lmi', 'us-east-1')!.uri).toBe('763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-lmi12.0.0-cu124');
    expect(resolveAwsImage('lmi', 'af-south-1')!.uri).toBe('626614931356.dkr.ecr.af-south-1.amazonaws.com/djl-inference:0.30.0-lmi12.0.0-cu124');
    expect(resolveAwsImage('tgi', 'cn-northwest-1')!.uri).toBe('727897471807.dkr.ecr.cn-northwest-1.amazonaws.com.cn/huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04');
    expect(resolveAwsImage('tgi', 'cn-northwest-1')!.repositoryArn).toBe('arn:aws-cn:ecr:cn-northwest-1:727897471807:repository/huggingface-pytorch-tgi-inference');
    expect(resolveAwsImage('sklearn', 'us-east-1')!.uri).toBe('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3');
    expect(resolveAwsImage('lmi-neuron', 'af-south-1')).toBeUndefined();
  });
  it('PAI-EAS images come from the region\'s VPC registry', () => {
    expect(resolveAlibabaImage('vllm', 'cn-shanghai')).toBe('eas-registry-vpc.cn-shanghai.cr.aliyuncs.com/pai-eas/vllm:0.14.0-gpu');
  });
});
