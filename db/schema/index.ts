export * from './accounts';
export * from './audit';
export * from './events';
export * from './settings';
export * from './staff';
export * from './api-keys';
export * from './rollups';
export * from './alerts';
