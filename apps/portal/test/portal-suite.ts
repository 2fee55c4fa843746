import { afterAll, beforeAll } from '@jest/globals';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver, type Responder } from '../../../test/receiver.js';
import { launchPortalBrowser, preparePortal } from './portal-browser.js';

export interface PortalSuiteOptions {
  /** The name of the suite's tenant. */
  tenant: string;
  /** Settings of the suite's fleet over the test defaults (startFleet in test/fleet.ts). */
  fleet?: Record<string, string>;
  /** Starts an HTTP receiver on 127.0.0.1 that answers with this responder. */
  receiver?: Responder;
  /** The browser context's options (the viewport). */
  browser?: BrowserContextOptions;
}

/** What a portal browser suite works with, there from its first test on. */
export interface PortalSuite {
  readonly fleet: TestFleet;
  readonly tenant: { id: string; api_key: string };
  /** Only where the options asked for one. */
  readonly receiver: TestReceiver;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** The page's uncaught errors: a test expects none. */
  readonly pageErrors: string[];
}

/** The fields there once Chromium is up; `receiver` only where asked for. */
type Launched = Omit<PortalSuite, 'receiver'>;

/**
 * The setup every portal browser suite shares, as the describe block's beforeAll and afterAll: the built portal, a
 * fleet (API and worker in this process, on the test Redis), its tenant, maybe a receiver, and Chromium with one page;
 * all closed after the suite. Read the fields in tests and hooks, not when the describe block is collected.
 */
export function usePortalSuite(options: PortalSuiteOptions): PortalSuite {
  let ready: Launched | undefined;
  let fleet: TestFleet | undefined;
  let receiver: TestReceiver | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    preparePortal();
    if (options.receiver) receiver = await new TestReceiver(options.receiver).start();
    fleet = await startFleet(options.fleet);
    const tenant = await fleet.createTenant(options.tenant);
    const launched = await launchPortalBrowser(options.browser);
    browser = launched.browser;
    ready = { fleet, tenant, ...launched };
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await receiver?.stop();
  });

  const field = <K extends keyof Launched>(name: K): Launched[K] => {
    if (!ready) throw new Error(`usePortalSuite: ${name} is read before the suite's beforeAll finished`);
    return ready[name];
  };
  return {
    get fleet() {
      return field('fleet');
    },
    get tenant() {
      return field('tenant');
    },
    get receiver() {
      if (!receiver) throw new Error('usePortalSuite: this suite has no receiver (options.receiver)');
      return receiver;
    },
    get browser() {
      return field('browser');
    },
    get context() {
      return field('context');
    },
    get page() {
      return field('page');
    },
    get pageErrors() {
      return field('pageErrors');
    },
  };
}
