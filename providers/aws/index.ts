export * from './model-deployment';
export * from './inference-stack';
export * from './execution-role';
export * from './autoscaling';
export * from './containers';
export * from './app';
export * from './emitter';
