import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { MAX_JSON_DEPTH, pathDeeperThan, ValidationFailed } from '@hookfleet/core';

/** 1 MiB: a larger body is a 413. */
export const BODY_LIMIT = '1mb';

/**
 * Levels a body may add around the JSON it stores: the body object itself and a batch's array. A stored value (an
 * event's `data`, a subscription's or Gigapay's `metadata`) then nests at most MAX_JSON_DEPTH levels below its field,
 * which the field's schema (boundedJson) checks exactly.
 */
const ENVELOPE_DEPTH = 2;

/**
 * A body read as UTF-8 (none named is UTF-8 for JSON) must be UTF-8: decoding would otherwise turn each invalid byte
 * into U+FFFD and store data the producer never sent (a Latin-1 `café` as `caf\uFFFD`). Throws body-parser's
 * parse error, so the answer is the contract's `invalid_json` 400; another charset is left to its decoder.
 */
export function refuseInvalidUtf8(raw: Buffer, charset = 'utf-8'): void {
  if (!/^utf-?8$/i.test(charset) || isUtf8(raw)) return;
  throw Object.assign(new SyntaxError('the body is not valid UTF-8'), { status: 400, type: 'entity.parse.failed' });
}

/**
 * Every JSON body, on every route (native, compat, portal), is parsed here and refused with a 400 naming the path when
 * it nests deeper than any stored value may (docs/api.md): a 10,000-level body never reaches a schema, a store or a
 * serialiser.
 */
export function jsonBody(): RequestHandler[] {
  const parse = express.json({ limit: BODY_LIMIT, type: () => true, verify: (_request, _response, raw, charset) => refuseInvalidUtf8(raw, charset) });
  const refuseDeep: RequestHandler = (request, _response, next) => {
    try {
      refuseDeepBody(request.body);
      next();
    } catch (error) {
      next(error);
    }
  };
  return [parse, refuseDeep];
}

/** Throws the 400 naming the path when a parsed body nests deeper than any stored value may (jsonBody). */
export function refuseDeepBody(body: unknown): void {
  const path = pathDeeperThan(body, MAX_JSON_DEPTH + ENVELOPE_DEPTH);
  if (path) throw new ValidationFailed('JSON nests too deeply', [{ path: path.join('.') || '(body)', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]);
}
