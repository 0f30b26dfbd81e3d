import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import awsImages from '../../lib/catalog/data/aws-images.json';
import { resolveAlibabaImage, resolveAwsImage } from '../../lib/catalog/images';
import { buildCatalog } from '../../scripts/gen-aws-images';
import { ROOT } from '../helpers/paths';

describe('image catalogs', () => {
  it('the generator reproduces the committed entries from SageMaker Python SDK config files', () => {
    const catalog = buildCatalog(path.join(ROOT, 'tests', 'fixtures', 'image-uri-config'), awsImages as never, '2026-11-25');
    for (const key of ['lmi', 'tgi', 'triton-gpu', 'triton-cpu', 'sklearn'] as const) {
      const generated = catalog.images[key] as { repository: string; tag: string; registry: string };
      const committed = (awsImages.images as Record<string, { repository: string; tag: string; registry: string }>)[key]!;
      expect(generated.repository, key).toBe(committed.repository);
      expect(generated.tag, key).toBe(committed.tag);
      expect(catalog.registries[generated.registry]).toEqual((awsImages.registries as Record<string, unknown>)[committed.registry]);
    }
  });
  it('resolves region accounts and the China domain', () => {
    expect(resolveAwsImage('lmi', 'us-east-1')!.uri).toBe('763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-lmi12.0.0-cu124');
    expect(resolveAwsImage('lmi', 'af-south-1')!.uri).toBe('626614931356.dkr.ecr.af-south-1.amazonaws.com/djl-inference:0.30.0-lmi12.0.0-cu124');
    expect(resolveAwsImage('tgi', 'cn-northwest-1')!.uri).toBe('727897471807.dkr.ecr.cn-northwest-1.amazonaws.com.cn/huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04');
    expect(resolveAwsImage('tgi', 'cn-northwest-1')!.repositoryArn).toBe('arn:aws-cn:ecr:cn-northwest-1:727897471807:repository/huggingface-pytorch-tgi-inference');
    expect(resolveAwsImage('sklearn', 'us-east-1')!.uri).toBe('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3');
    expect(resolveAwsImage('lmi-neuron', 'eu-north-1')).toBeUndefined();
  });
  it('PAI-EAS images come from the region\'s VPC registry', () => {
    expect(resolveAlibabaImage('vllm', 'cn-shanghai')).toBe('eas-registry-vpc.cn-shanghai.cr.aliyuncs.com/pai-eas/vllm:0.14.0-gpu');
  });
});
