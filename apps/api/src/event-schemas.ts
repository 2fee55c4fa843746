import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { schemaPatterns, UnsupportedPattern, type IssueDetail, type RegisteredEventType } from '@hookfleet/core';
import { findProfile, type EventShape, type JsonSchema } from '@hookfleet/profiles';
import type { EventTypeStore } from '@hookfleet/store';
import { linearRegExpEngine, MAX_PATTERN_INSTRUCTIONS, type LinearRegExpEngine } from './linear-regexp.js';

/**
 * How long an API process trusts its copy of the registered event types before it asks the store again (a read of
 * the types' version counter; the types themselves only when it moved, event-type-store.ts): a type registered or
 * changed on another API process is enforced here within this time (in this process, at once).
 */
export const REGISTERED_TYPES_TTL_MS = 1000;

/**
 * The most RE2 instructions a registered schema's distinct patterns may compile to together. Every API process keeps
 * each registered type's patterns compiled, at some 100 to 170 bytes an instruction (measured with re2js 2.10: 1,306
 * distinct `[a-x]{1,4xx}` patterns fill a 64 KB schema and kept 116 MB in one process, 9 s to compile). With this
 * bound a schema's patterns keep well under 1 MB, about what ajv keeps for the largest schema without any (1.2 MB),
 * and 1,000 types under 1 GB; four patterns of the most one may have (MAX_PATTERN_INSTRUCTIONS), or a hundred like
 * a UUID's (40).
 */
export const MAX_SCHEMA_PATTERN_INSTRUCTIONS = 4 * MAX_PATTERN_INSTRUCTIONS;

/** The most issues one event reports: a wrong array of 10,000 items must not make a 10,000-line answer. */
const MAX_ISSUES_PER_EVENT = 20;
const NO_ISSUES: readonly IssueDetail[] = [];

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
/** The meta-schemas ajv holds: draft-07, written with or without its empty fragment. */
const SUPPORTED_META_SCHEMAS = new Set([DRAFT_07, DRAFT_07.slice(0, -1)]);

/**
 * With `$async: true` ajv's validator answers a promise, which is truthy: every event passed, and the rejection of
 * one that did not fit went unhandled, which ends a Node process.
 */
const ASYNC_REFUSED = 'asynchronous schemas ($async) are not supported: an event is checked before its answer; leave $async out';

const isAsync = (validate: ValidateFunction) => '$async' in validate && validate.$async === true;

/** What ingest checks of an event: its `data` and `actor` against its type's shape. */
interface TypedInput {
  profile: string;
  type: string;
  data: unknown;
  actor?: unknown;
}

/**
 * A registered type's checker: its schema compiled on its own, exactly as schemaIssues compiled it when the type was
 * registered (so its `$ref`s — `#`, `#/definitions/…`, `#/$defs/…` — resolve against that schema and not against a
 * wrapper), run on the event's `data`; or, when the stored schema cannot be compiled, why.
 */
interface Compiled {
  raw: string;
  validate: ValidateFunction | null;
  broken?: string;
}

function issuePath(error: ErrorObject, prefix: string): string {
  const segments = error.instancePath.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing = error.keyword === 'required' ? (error.params as { missingProperty: string }).missingProperty : undefined;
  const extra = error.keyword === 'additionalProperties' ? (error.params as { additionalProperty: string }).additionalProperty : undefined;
  return [prefix, ...segments, ...(missing ? [missing] : []), ...(extra ? [extra] : [])].filter(Boolean).join('.');
}

/**
 * The JSON Schemas events are checked against at ingest (docs/profiles.md, "Typed events"): each provider profile's
 * documented shapes and the types operators register for the standard profile. Every schema is compiled once by
 * ajv (a validator function per type, kept here) and compiled again only when its registered text changes.
 */
export class EventSchemas {
  private readonly ajv = newAjv();
  private readonly providerShapes = new Map<string, Map<string, ValidateFunction | null>>();
  private registered = new Map<string, Map<string, Compiled>>();
  /** The store's copy the compiled map was built from: the same object again means nothing changed. */
  private registeredFrom: Readonly<Record<string, string>> | undefined;
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;
  /** Bumped by invalidate(): a load that began before a change must neither be awaited for it nor be kept. */
  private generation = 0;

  constructor(
    private readonly store: EventTypeStore,
    private readonly ttlMs = REGISTERED_TYPES_TTL_MS,
  ) {}

  /** A JSON Schema's problems (each with its path under `pathPrefix`), or none when ajv can compile it. */
  schemaIssues(schema: JsonSchema, pathPrefix = 'schema'): IssueDetail[] {
    // ajv's validateSchema throws, rather than answers, for a `$schema` it does not hold (draft 2020-12, a URL).
    if (schema.$schema !== undefined && !SUPPORTED_META_SCHEMAS.has(schema.$schema as string)) {
      return [{ path: `${pathPrefix}.$schema`, message: `only JSON Schema draft-07 is supported: leave $schema out or set it to ${DRAFT_07}` }];
    }
    // A throwaway instance: a schema's own `$id` must not clash with one compiled before.
    const patterns = linearRegExpEngine();
    const ajv = newAjv(patterns);
    if (!ajv.validateSchema(schema)) {
      return (ajv.errors ?? []).map((error) => ({ path: issuePath(error, pathPrefix), message: `not a valid JSON Schema: ${error.message ?? error.keyword}` }));
    }
    // Before compiling, which would stop at the first pattern RE2 cannot run and name no path; ajv's compile then
    // takes each pattern from the same engine, compiled once.
    const patternIssues = patternProblems(schema, patterns, pathPrefix);
    if (patternIssues.length > 0) return patternIssues;
    try {
      const validate = ajv.compile(schema);
      if (isAsync(validate)) return [{ path: `${pathPrefix}.$async`, message: ASYNC_REFUSED }];
      return [];
    } catch (error) {
      return [{ path: pathPrefix, message: `not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}` }];
    }
  }

  /** Reads the registered types again when the copy is older than the TTL; undefined (nothing to await) otherwise. */
  refreshIfStale(): Promise<void> | undefined {
    if (performance.now() - this.loadedAt < this.ttlMs) return undefined;
    if (!this.loading) {
      const loading = this.reload(this.generation).finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  /**
   * Forgets the copy, so the next event reads the registered types again (after a change in this process). A load
   * already under way may have read the hash before the change: it is left to finish unheeded, and the next event
   * starts one that reads after it.
   */
  invalidate(): void {
    this.generation += 1;
    this.loadedAt = -Infinity;
    this.loading = undefined;
  }

  /** The event's problems against its type's shape, with paths such as `data.object.id` under `pathPrefix`. */
  issues(input: TypedInput, pathPrefix: string): readonly IssueDetail[] {
    const registered = this.registered.get(input.profile)?.get(input.type);
    if (registered) {
      // Refused rather than let through unchecked: the operator's PATCH of the schema mends it.
      if (!registered.validate) return [{ path: pathPrefix ? `${pathPrefix}.type` : 'type', message: `the registered schema of ${input.type} cannot be used (${registered.broken}): the operator must correct it` }];
      return issuesOf(registered.validate, input.data, pathPrefix ? `${pathPrefix}.data` : 'data');
    }
    const validate = this.providerShape(input.profile, input.type);
    if (!validate) return NO_ISSUES;
    return issuesOf(validate, input.actor == null ? { data: input.data } : { data: input.data, actor: input.actor }, pathPrefix);
  }

  private providerShape(profileName: string, type: string): ValidateFunction | null {
    let byType = this.providerShapes.get(profileName);
    if (!byType) this.providerShapes.set(profileName, (byType = new Map()));
    const known = byType.get(type);
    if (known !== undefined) return known;
    const shape = findProfile(profileName)?.eventShape?.(type) ?? null;
    const validate = shape ? this.ajv.compile(eventSchema(shape)) : null;
    byType.set(type, validate);
    return validate;
  }

  private async reload(generation: number): Promise<void> {
    const startedAt = performance.now();
    const raw = await this.store.allRaw();
    if (generation !== this.generation) return;
    if (raw === this.registeredFrom) {
      this.loadedAt = startedAt;
      return;
    }
    const next = new Map<string, Map<string, Compiled>>();
    for (const text of Object.values(raw)) {
      const entry = JSON.parse(text) as RegisteredEventType;
      const previous = this.registered.get(entry.profile)?.get(entry.type);
      const schemaText = JSON.stringify(entry.schema);
      const compiled = previous?.raw === schemaText ? previous : compileRegistered(schemaText, entry.schema);
      let byType = next.get(entry.profile);
      if (!byType) next.set(entry.profile, (byType = new Map()));
      byType.set(entry.type, compiled);
    }
    this.registered = next;
    this.registeredFrom = raw;
    this.loadedAt = startedAt;
  }
}

/**
 * One type's schema, compiled as schemaIssues compiles it. A schema stored before a check existed, or that this ajv
 * no longer compiles, costs its own type's events and nothing else: one throw here would fail every load, and so
 * every event of every type.
 */
function compileRegistered(raw: string, schema: JsonSchema): Compiled {
  try {
    const validate = newAjv().compile(schema);
    if (isAsync(validate)) return { raw, validate: null, broken: ASYNC_REFUSED };
    return { raw, validate };
  } catch (error) {
    return { raw, validate: null, broken: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The schema's patterns RE2 cannot run, each at its path; or, where its distinct patterns together compile to more
 * than MAX_SCHEMA_PATTERN_INSTRUCTIONS, the path of the one that goes over (and none is compiled after it).
 */
function patternProblems(schema: JsonSchema, patterns: LinearRegExpEngine, pathPrefix: string): IssueDetail[] {
  const issues: IssueDetail[] = [];
  const counted = new Set<string>();
  let instructions = 0;
  for (const { path, pattern } of schemaPatterns(schema)) {
    if (counted.has(pattern)) continue;
    counted.add(pattern);
    const where = [pathPrefix, ...path].join('.');
    try {
      instructions += patterns(pattern).instructions;
    } catch (error) {
      if (!(error instanceof UnsupportedPattern)) throw error;
      issues.push({ path: where, message: error.message });
      continue;
    }
    if (instructions > MAX_SCHEMA_PATTERN_INSTRUCTIONS) {
      issues.push({
        path: where,
        message: `the schema's regular expressions compile to more than ${MAX_SCHEMA_PATTERN_INSTRUCTIONS} RE2 instructions together (${instructions} up to this one): every API process keeps them all compiled; use fewer or shorter patterns, or enum and maxLength`,
      });
      break;
    }
  }
  return issues;
}

function issuesOf(validate: ValidateFunction, value: unknown, pathPrefix: string): readonly IssueDetail[] {
  if (validate(value)) return NO_ISSUES;
  return (validate.errors ?? []).slice(0, MAX_ISSUES_PER_EVENT).map((error) => ({ path: issuePath(error, pathPrefix), message: error.message ?? error.keyword }));
}

/** A provider's shape over `{ data, actor }`, so ajv's paths read as the event's own (`/data/object/id`). */
function eventSchema(shape: EventShape): JsonSchema {
  return { type: 'object', properties: { data: shape.data, ...(shape.actor ? { actor: shape.actor } : {}) } };
}

/**
 * Every error, not only the first, so a 400 names each bad path; `format` is an annotation here (no format
 * validators are loaded), and keywords ajv does not know are ignored rather than refused. Patterns run on RE2, in
 * time linear in the string (linear-regexp.ts): JavaScript's backtracking RegExp took minutes on `\s+$` and 1 MB.
 */
function newAjv(patterns: LinearRegExpEngine = linearRegExpEngine()): Ajv {
  return new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false, code: { regExp: patterns } });
}
