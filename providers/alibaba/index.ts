export * from './service-config';
export * from './emitter';
