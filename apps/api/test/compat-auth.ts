/** Each provider's own way of sending the tenant key (docs/contract.md, "Auth"). */
export const providerAuth = {
  paymo: (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:X`).toString('base64')}` }),
  hubplanner: (key: string) => ({ authorization: key }),
  forecast: (key: string) => ({ 'x-forecast-api-key': key }),
  paybook: (key: string) => ({ authorization: `api_key api_key=${key}` }),
  gigapay: (key: string, integrationId?: string) => ({ authorization: `Token ${key}`, ...(integrationId ? { 'integration-id': integrationId } : {}) }),
};

/** `2017-01-04T13:39:40Z` */
export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
