export { compatRoutes, type CompatRouterDependencies } from './compat-router.js';
export { compatOpenApi } from './compat-openapi.js';
export { OPERATOR_TENANT_HEADER } from './compat-request.js';
