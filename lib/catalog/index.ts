export * from './accelerators';
export * from './instances';
export * from './images';
export * from './engines';
export * from './models';
