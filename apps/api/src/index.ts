export { startApi, type RunningApi } from './server.js';
export { createApp } from './app.js';
