// @vitest-environment node
/**
 * `make api-types`: the front end's types from the backend's OpenAPI document
 * (scripts/api-types.mjs). Only /api/ is typed, and the output does not depend on how a
 * feature's names sort, so the scaffold's schema.d.ts template matches for any name.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { apiSchemas, declarations, HEADER, parts } from '../../scripts/api-types.mjs'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const answer = (schema: object) => ({ description: '', content: { 'application/json': { schema } } })

/** A feature's part as the backend exports it: schemas sorted by name. */
function featureDocument(name: string, model: string) {
  const schemas: Record<string, object> = {
    Error: { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] },
    [`New${model}`]: {
      type: 'object',
      properties: { title: { type: 'string' }, kind: { enum: ['a', 'b'], default: 'a' } },
      required: ['title'],
    },
    [model]: { type: 'object', properties: { id: { type: 'integer' }, creator: ref('Person') }, required: ['id', 'creator'] },
    [`${model}Answer`]: { type: 'object', properties: { record: ref(model) }, required: ['record'] },
    Person: { type: 'object', properties: { userid: { type: 'string' } }, required: ['userid'] },
  }
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      [`/api/${name}`]: {
        post: {
          operationId: `${name}_create`,
          requestBody: { content: { 'application/json': { schema: ref(`New${model}`) } } },
          responses: { 201: answer(ref(`${model}Answer`)), 404: { $ref: '#/components/responses/NotFound' } },
        },
      },
    },
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      responses: { NotFound: answer(ref('Error')) },
    },
  }
}

describe('apiSchemas', () => {
  it('keeps the paths under /api/ and the schemas they reach, in the order they reach them', () => {
    const document = {
      openapi: '3.1.0',
      paths: {
        '/api/things': { get: { responses: { 200: answer(ref('ThingList')), 401: { $ref: '#/components/responses/Unauthorized' } } } },
        '/auth/oidc/callback': { get: { responses: { 302: answer(ref('Redirect')) } } },
        '/healthz': { get: { responses: { 200: answer(ref('Health')) } } },
      },
      components: {
        schemas: { Error: {}, Health: {}, Redirect: {}, Thing: {}, ThingList: { properties: { items: { items: ref('Thing') } } } },
        responses: { Unauthorized: answer(ref('Error')) },
      },
    }
    const kept = apiSchemas(document)
    expect(Object.keys(kept.paths)).toEqual(['/api/things'])
    expect(Object.keys(kept.components.schemas)).toEqual(['ThingList', 'Thing', 'Error'])
  })
})

describe('declarations', () => {
  it('is the same file for any feature name once the names are replaced', async () => {
    const leave = await declarations(featureDocument('leave', 'Leave'))
    const overtime = await declarations(featureDocument('overtime_claim', 'OvertimeClaim'))
    const asTemplate = (text: string, name: string, model: string) =>
      text.replaceAll(model, '%%Model%%').replaceAll(name, '%%name%%')
    expect(asTemplate(leave, 'leave', 'Leave')).toBe(asTemplate(overtime, 'overtime_claim', 'OvertimeClaim'))
    expect(leave.startsWith(HEADER)).toBe(true)
    expect(leave.indexOf('NewLeave: {')).toBeLessThan(leave.indexOf('Leave: {'))
  })

  it('leaves a request field with a default optional, as the backend accepts it', async () => {
    const text = await declarations(featureDocument('leave', 'Leave'))
    expect(text).toContain('kind?: "a" | "b";')
    expect(text).toContain('title: string;')
  })
})

describe('parts', () => {
  let project: string

  afterEach(() => rmSync(project, { recursive: true, force: true }))

  it('types the core and each front-end feature whose backend is there', () => {
    project = mkdtempSync(join(tmpdir(), 'api-types-'))
    const touch = (path: string) => {
      mkdirSync(join(project, path, '..'), { recursive: true })
      writeFileSync(join(project, path), '')
    }
    touch('frontend/src/features/leave/feature.ts')
    touch('src/app_pkg/features/leave/__init__.py')
    touch('frontend/src/features/only_front/feature.ts')
    touch('frontend/src/features/no_descriptor/types.ts')
    touch('src/app_pkg/features/no_descriptor/__init__.py')
    expect(parts(project)).toEqual([
      ['core', 'frontend/src/api/schema.d.ts'],
      ['leave', 'frontend/src/features/leave/schema.d.ts'],
    ])
  })
})
