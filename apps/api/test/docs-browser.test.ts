import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { assertChromium, launchChromium } from '../../../test/chromium.js';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

describe('the API reference at /docs', () => {
  let fleet: TestFleet;
  let browser: Browser;

  beforeAll(async () => {
    assertChromium();
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  });

  it('renders every documented route from local assets, with no outside request', async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(fleet.api.url)) outside.push(request.url());
    });
    await page.goto(`${fleet.api.url}/docs`);
    await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
    const listed = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((node) => node.getAttribute('data-path') ?? node.textContent ?? ''));
    const text = listed.map((path) => path.replace(/\u200b/g, ''));
    for (const path of ['/v1/events', '/v1/subscriptions/{id}/replay', '/v1/deliveries/{id}/retry', '/v1/portal-sessions', '/paymo/api/hooks']) {
      expect(text).toContain(path);
    }
    const document = (await fleet.call('GET', '/openapi.json', undefined, null)).body as { paths: Record<string, object> };
    const operations = Object.values(document.paths).reduce((count, methods) => count + Object.keys(methods).length, 0);
    expect(listed.length).toBe(operations);
    expect(outside).toEqual([]);
    await page.close();
  }, 60_000);

  it('leads a browser that opens / to the reference, and answers an API client at / with JSON', async () => {
    const page = await browser.newPage();
    const landed = await page.goto(`${fleet.api.url}/`);
    expect(page.url()).toBe(`${fleet.api.url}/docs`);
    expect(landed?.status()).toBe(200);
    await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
    await page.close();

    for (const accept of ['application/json', '*/*', undefined]) {
      const response = await fetch(`${fleet.api.url}/`, { headers: accept ? { accept } : {}, redirect: 'manual' });
      expect({ accept, status: response.status, type: response.headers.get('content-type') }).toEqual({ accept, status: 200, type: expect.stringMatching(/^application\/json/) });
      expect(await response.json()).toMatchObject({ docs: '/docs', openapi: '/openapi.json', portal: '/portal/' });
    }
  });
});

