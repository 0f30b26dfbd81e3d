export * from './lib/compile';
export * from './lib/ir';
export * from './lib/diagnostics/diagnostic';
export * from './lib/diagnostics/registry';
export * from './lib/spec/schema';
export * as aws from './providers/aws';
export * as alibaba from './providers/alibaba';
