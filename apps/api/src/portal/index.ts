export { PortalTokens, PORTAL_TOKEN_PREFIX } from './portal-token.js';
export { PORTAL_COOKIE, PORTAL_REQUEST_HEADER } from './portal-cookie.js';
export { PORTAL_CSP, PORTAL_DIST, portalPages, portalSecurityHeaders } from './portal-pages.js';
export { PORTAL_PATH } from './portal-session-routes.js';
