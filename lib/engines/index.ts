/** Engine contracts: what each pinned serving container reads, with sources (see contract.ts). */
import type { EngineContract } from './contract';
import { awsNeo, awsPytorch, awsSklearn, awsTensorflow, awsXgboost } from './contracts/aws-framework';
import { awsLmiNeuron } from './contracts/aws-lmi-neuron';
import { awsLmiTrtllm } from './contracts/aws-lmi-trtllm';
import { awsLmiVllm } from './contracts/aws-lmi-vllm';
import { awsTeiCpu, awsTeiGpu } from './contracts/aws-tei';
import { awsTgi } from './contracts/aws-tgi';
import { awsTgiNeuron } from './contracts/aws-tgi-neuron';
import { awsTriton } from './contracts/aws-triton';

export * from './contract';
export { ALIBABA_CONTRACTS } from './contracts/alibaba';
export { awsLmiVllm, awsLmiTrtllm, awsLmiNeuron, awsTgi, awsTgiNeuron, awsTeiGpu, awsTeiCpu, awsTriton, awsSklearn, awsXgboost, awsPytorch, awsTensorflow, awsNeo };

export const AWS_CONTRACTS: readonly EngineContract[] = [awsLmiVllm, awsLmiTrtllm, awsLmiNeuron, awsTgi, awsTgiNeuron, awsTeiGpu, awsTeiCpu, awsTriton, awsSklearn, awsXgboost, awsPytorch, awsTensorflow, awsNeo];
